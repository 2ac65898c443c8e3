import Core
import Foundation
import Hummingbird
import Intake
import Storage

extension Routes {
    struct RequestBody: Decodable {
        var kind: String?
        var account: String?
        var meter: String?
        var service: String?
        var details: String?
        var contact: String?
        var channel: String?
    }

    struct StatusBody: Decodable {
        var status: String?
        var comment: String?
    }

    struct RequestAnswer: Encodable {
        struct Change: Encodable {
            var status: String
            var comment: String?
            var changedAt: String
            var changedBy: String
        }
        var number: String
        var kind: String
        var account: String
        var principalINN: String
        var principalName: String
        var service: String
        var meter: String?
        var details: String?
        var contact: String?
        var channel: String
        var status: String
        var createdAt: String
        var updatedAt: String
        var history: [Change]

        init(_ request: ServiceRequest) {
            number = request.number
            kind = request.kind.rawValue
            account = request.account.value
            principalINN = request.principalINN
            principalName = request.principalName
            service = request.serviceCode
            meter = request.meter
            details = request.details
            contact = request.contact
            channel = request.channel.rawValue
            status = request.status.rawValue
            createdAt = request.createdAt
            updatedAt = request.updatedAt
            history = request.history.map {
                Change(
                    status: $0.status.rawValue, comment: $0.comment, changedAt: $0.changedAt, changedBy: $0.changedBy)
            }
        }
    }

    struct RequestList: Encodable {
        var requests: [RequestAnswer]
    }

    /// Self-service requests: POST /v1/requests opens one, GET /v1/requests/{number} shows it,
    /// GET /v1/requests lists a principal's (or, for an operator, all), POST
    /// /v1/requests/{number}/status moves it.
    static func requests(_ routes: inout RouteList, services: APIServices) {
        routes.add(.post, "requests") { request, context in
            let key = try context.requireKey()
            try Scope.require(.infomat, .channel, .operator, key: key, what: "opening a request")
            let body = try await Routes.body(RequestBody.self, request)
            var problems: [String] = []
            let kind = body.kind.flatMap(ServiceRequest.Kind.init(rawValue:))
            if kind == nil {
                problems.append(
                    "kind must be one of \(ServiceRequest.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let account = body.account.flatMap { try? PersonalAccountNumber($0) }
            if account == nil { problems.append("account must be a personal account number of 10 digits") }
            if (body.details?.count ?? 0) > 2_000 { problems.append("details must be at most 2000 characters") }
            if (body.contact?.count ?? 0) > 200 { problems.append("contact must be at most 200 characters") }
            let channel = Routes.channel(named: body.channel, key: key, &problems)
            let idempotencyKey = Routes.idempotencyKey(request, key: key, &problems)
            guard problems.isEmpty, let kind, let account, let channel else { throw Problem.invalid(problems) }
            guard channels(of: key).contains(channel) else {
                throw Problem.outsideScope("this key cannot open requests as channel \(channel.rawValue)")
            }
            _ = try await Scope.check(account: account.value, context: context, services: services)
            let new = NewServiceRequest(
                kind: kind, account: account, meter: body.meter, serviceCode: body.service, details: body.details,
                contact: body.contact, channel: channel, receivedAt: services.nowStamp, idempotencyKey: idempotencyKey,
                sender: key.name)
            let fields: [(String, String?)] = [
                ("kind", kind.rawValue), ("account", account.value), ("meter", body.meter), ("service", body.service),
                ("details", body.details), ("contact", body.contact), ("channel", channel.rawValue),
            ]
            let opened = try await Routes.write(
                services, keys: idempotencyKey.map { [$0] } ?? [], route: "POST /v1/requests", fields: fields, by: key,
                audit: { opened in
                    opened.replayed
                        ? nil
                        : AuditedChange(
                            entity: "request", id: opened.request.number, account: account.value,
                            principal: opened.request.principalINN,
                            after: "\(kind.rawValue), \(opened.request.status.rawValue)")
                }
            ) { try ServiceRequestDesk(connection: $0).open(new) }
            return try json(
                RequestAnswer(opened.request), status: .created,
                headers: APIServer.replayed(opened.replayed))
        }

        routes.add(.get, "requests") { request, context in
            let key = try context.requireKey()
            try Scope.require(.principal, .operator, key: key, what: "the list of requests")
            let principal = try await Scope.principal(of: key, services: services)
            var status: ServiceRequest.Status?
            if let text = request.uri.queryParameters.get("status") {
                guard let named = ServiceRequest.Status(rawValue: text) else {
                    throw Problem.invalid(
                        [
                            "status must be one of \(ServiceRequest.Status.allCases.map(\.rawValue).joined(separator: ", "))"
                        ])
                }
                status = named
            }
            let wanted = status
            let list = try await services.pool.run(.read) { connection in
                try ServiceRequestDesk(connection: connection).list(principal: principal, status: wanted)
            }
            return try json(RequestList(requests: list.map(RequestAnswer.init)))
        }

        routes.add(.get, "requests/:number") { _, context in
            let key = try context.requireKey()
            let number = context.parameters.get("number") ?? ""
            let found = try await services.pool.run(.read) { connection in
                try ServiceRequestDesk(connection: connection).find(number: number)
            }
            guard let found else { throw Problem.notFound("request-not-found", "no request \(number)") }
            switch key.role {
            case .principal where found.principalINN != key.scope,
                .infomat where context.sessionAccount != found.account.value:
                // Someone else's request: answered as if there were none.
                throw Problem.notFound("request-not-found", "no request \(number)")
            default:
                return try json(RequestAnswer(found))
            }
        }

        routes.add(.post, "requests/:number/status") { request, context in
            let key = try context.requireKey()
            try Scope.require(.principal, .operator, key: key, what: "changing a request's status")
            let number = context.parameters.get("number") ?? ""
            let body = try await Routes.body(StatusBody.self, request)
            guard let status = body.status.flatMap(ServiceRequest.Status.init(rawValue:)) else {
                throw Problem.invalid(
                    ["status must be one of \(ServiceRequest.Status.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            if (body.comment?.count ?? 0) > 2_000 { throw Problem.invalid(["comment must be at most 2000 characters"]) }
            var problems: [String] = []
            let idempotencyKey = Routes.idempotencyKey(request, key: key, &problems)
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            let principal = try await Scope.principal(of: key, services: services)
            let stamp = services.nowStamp
            let fields: [(String, String?)] = [
                ("number", number), ("status", status.rawValue), ("comment", body.comment),
            ]
            let (updated, retry) = try await Routes.write(
                services, keys: idempotencyKey.map { [$0] } ?? [], route: "POST /v1/requests/{number}/status",
                fields: fields, by: key,
                audit: { result in
                    result.1
                        ? nil
                        : AuditedChange(
                            entity: "request", id: number, account: result.0.account.value,
                            principal: result.0.principalINN, after: "\(status.rawValue)")
                }
            ) { connection, retry in
                // A retry of a change made before answers with the request as it is, changing nothing.
                let desk = ServiceRequestDesk(connection: connection)
                if retry, let found = try desk.find(number: number) { return (found, true) }
                return (
                    try desk.update(
                        number: number, to: status, comment: body.comment, at: stamp, by: key.name, principal: principal
                    ),
                    false
                )
            }
            return try json(RequestAnswer(updated), headers: APIServer.replayed(retry))
        }
    }
}
