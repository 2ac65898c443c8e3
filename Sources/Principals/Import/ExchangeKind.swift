/// The kinds of file a principal sends, each with its own XSD in `Schemas/` and root element
/// in the one namespace `urn:erc:exchange:1`.
public enum ExchangeKind: String, Sendable, CaseIterable {
    /// Onboarding: requisites and services with tariffs (`principal-1.xsd`).
    case principal
    /// Accounts registry: houses, premises with personal accounts, meters (`accounts-1.xsd`).
    case accounts
    /// Ready-made charges for a period (`charges-1.xsd`).
    case charges

    public static let namespace = "urn:erc:exchange:1"

    public var rootElement: String {
        switch self {
        case .principal: "principalFile"
        case .accounts: "accountsFile"
        case .charges: "chargesFile"
        }
    }

    public var schemaFileName: String { "\(rawValue)-1.xsd" }

    /// The XSD text built into erc, identical to the file in `Schemas/`.
    public var schemaBytes: [UInt8] {
        switch self {
        case .principal: PackageResources.principal_1_xsd
        case .accounts: PackageResources.accounts_1_xsd
        case .charges: PackageResources.charges_1_xsd
        }
    }

    func compiledSchema() throws(ImportError) -> XMLSchema {
        try XMLSchema(name: schemaFileName, bytes: schemaBytes)
    }
}
