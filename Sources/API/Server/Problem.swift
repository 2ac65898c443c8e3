import Billing
import Foundation
public import Hummingbird
import Intake
import Logging
import Principals

/// An error answered as problem details (RFC 9457, `application/problem+json`): a stable code
/// a program can branch on, a title, and a message a person can act on. Messages never carry a
/// token, a bound value of a query or the text of an internal error.
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String
    /// Every problem found in the request, for a body with several.
    public var problems: [String]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, title: String, detail: String, problems: [String] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.problems = problems
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(detail)" }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var code: String
        var problems: [String]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: "urn:erc:problem:\(code)", title: title, status: status.code, detail: detail, code: code,
            problems: problems.isEmpty ? nil : problems)
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // The problems every route can answer with.

    static let unauthorized = Problem(
        .unauthorized, code: "unauthorized", title: "Unauthorized",
        detail: "send a valid API key as 'Authorization: Bearer <key>'",
        headers: [.wwwAuthenticate: "Bearer realm=\"erc\""])

    static func outsideScope(_ detail: String) -> Problem {
        Problem(.forbidden, code: "outside-scope", title: "Outside the key's scope", detail: detail)
    }

    static func invalid(_ problems: [String]) -> Problem {
        Problem(
            .badRequest, code: "invalid-request", title: "Invalid request",
            detail: problems.count == 1
                ? problems[0] : "\(problems.count) problems in the request: \(problems.joined(separator: "; "))",
            problems: problems)
    }

    static func notFound(_ code: String, _ detail: String) -> Problem {
        Problem(.notFound, code: code, title: "Not found", detail: detail)
    }

    static func unprocessable(_ code: String, _ detail: String) -> Problem {
        Problem(.unprocessableContent, code: code, title: "Refused", detail: detail)
    }

    /// The answer to a refusal of the domain below (a reading's rule, a payment, a request), or
    /// nil for any other error.
    static func refusal(_ error: any Error) -> Problem? {
        switch error {
        case let rejection as ReadingRejection:
            return .unprocessable(rejection.code.rawValue, rejection.message)
        case let conflict as IdempotencyConflict:
            return .unprocessable(ReadingRejection.Code.keyReused.rawValue, conflict.description)
        case let error as BillingError:
            return .unprocessable(error.code.description.replacingOccurrences(of: " ", with: "-"), error.message)
        case let error as CenterNotSetError:
            return Problem(
                .serviceUnavailable, code: "center-not-set", title: "The center's requisites are not set",
                detail: error.description)
        case let error as ServiceRequestError:
            switch error.code {
            case .requestNotFound: return .notFound(error.code.rawValue, error.message)
            case .invalidTransition:
                return Problem(.conflict, code: error.code.rawValue, title: "Conflict", detail: error.message)
            default: return .unprocessable(error.code.rawValue, error.message)
            }
        default:
            return nil
        }
    }
}

extension JSONEncoder {
    /// Keys in a fixed order, so the same answer is the same bytes.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Turns every error a route or Hummingbird throws into problem details: Hummingbird's own
/// (no such route, body too large) keep their status; the domain's refusals get theirs
/// (``Problem/refusal(_:)``); anything unexpected is a 500 whose
/// message says nothing of its cause, which goes to the log.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let problem: Problem
            switch error.status {
            case .notFound:
                problem = .notFound("no-route", "no route \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                problem = Problem(
                    .contentTooLarge, code: "body-too-large", title: "Body too large",
                    detail: "the request body is larger than \(APIServer.maxBodyBytes) bytes")
            case .methodNotAllowed:
                problem = Problem(
                    .methodNotAllowed, code: "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.uri.path) does not take \(request.method)")
            default:
                problem = Problem(
                    error.status, code: "http-\(error.status.code)", title: error.status.reasonPhrase,
                    detail: error.status.reasonPhrase)
            }
            return try problem.response(from: request, context: context)
        } catch {
            if let refusal = Problem.refusal(error) { return try refusal.response(from: request, context: context) }
            context.logger.error(
                "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try Problem(
                .internalServerError, code: "internal", title: "Internal error",
                detail: "the request could not be completed; it is safe to send it again with the same Idempotency-Key"
            ).response(from: request, context: context)
        }
    }
}
