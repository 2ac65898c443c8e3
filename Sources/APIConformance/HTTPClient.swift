public import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An answer from erc's API, as a client sees it.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: any Sendable] {
        // JSONSerialization gives property-list values (strings, numbers, arrays, dictionaries):
        // all Sendable.
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]) ?? [:]
    }

    public subscript(key: String) -> String? {
        json[key].map { "\($0)" }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A plain HTTP client over loopback (Foundation's URLSession), for tests and benchmarks.
public struct HTTPClient: Sendable {
    public var base: String
    let session: URLSession

    public init(port: Int) {
        base = "http://127.0.0.1:\(port)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        session = URLSession(configuration: configuration)
    }

    public func send(
        _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            if headers["Content-Type"] == nil {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
    }

    /// Sends `object` as a JSON body.
    public func send(
        _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
        json object: [String: Any]
    ) async throws -> HTTPAnswer {
        try await send(
            method, path, token: token, headers: headers, body: try JSONSerialization.data(withJSONObject: object))
    }
}
