public import Hummingbird

/// The request context of erc's API: Hummingbird's core storage plus the key that made the
/// request (set by ``KeyAuthMiddleware``) and the infomat session it named.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated key; nil before authentication and on open routes.
    public var key: APIKey?
    /// The account an infomat's customer identified, from the `ERC-Session` header.
    public var sessionAccount: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are small JSON documents: anything larger is refused before it is read.
    public var maxUploadSize: Int { APIServer.maxBodyBytes }

    /// The authenticated key (every /v1 route runs behind ``KeyAuthMiddleware``).
    func requireKey() throws -> APIKey {
        guard let key else { throw Problem.unauthorized }
        return key
    }
}
