/// The kinds of exchange file, each with its own XSD in `Schemas/` (which includes
/// `common-1.xsd`) and its root element in the one namespace `urn:erc:exchange:1`.
public enum ExchangeKind: String, Sendable, CaseIterable, CustomStringConvertible {
    // Inbound, from a principal.
    /// Onboarding: requisites, contacts, agency agreement, services (`principal-1.xsd`).
    case principal
    /// Accounts registry: houses, premises with personal accounts, opening balances.
    case accounts
    /// Meter registry.
    case meters
    /// Tariffs with effective dates.
    case tariffs
    /// Ready-made charges of a period, with recalculations of past periods.
    case charges
    // Outbound, to a principal.
    /// The readings received for its meters in a period; inbound too, for the readings a
    /// principal collected itself.
    case readings
    /// The payments allocated to it in a period.
    case payments
    /// The agent's report and payout.
    case agentReport = "agent-report"
    /// Its debtors.
    case debtors
    /// The result of importing one of its files.
    case importReport = "import-report"
    // Inbound, the center's own (a header with the center's INN and no period).
    /// The center's requisites, dated (`erc center import`).
    case center
    /// The legal rates, dated rows (`erc rates import`).
    case rates
    /// The identifiers ГИС ЖКХ gave back (`erc gis import-ids`).
    case gisIds = "gis-ids"

    public static let namespace = "urn:erc:exchange:1"

    public static let inbound: [ExchangeKind] = [.principal, .accounts, .meters, .tariffs, .charges]
    public static let outbound: [ExchangeKind] = [.readings, .payments, .agentReport, .debtors, .importReport]
    /// The center's own files, recorded without a principal.
    public static let settings: [ExchangeKind] = [.center, .rates, .gisIds]

    /// Whether the file is the center's own (its header names the center, not a principal).
    public var isSettings: Bool { ExchangeKind.settings.contains(self) }

    public var isInbound: Bool { ExchangeKind.inbound.contains(self) }
    /// Whether `erc principals import` takes this kind.
    public var isImported: Bool { isInbound || self == .readings }

    public var rootElement: String {
        switch self {
        case .agentReport: "agentReportFile"
        case .importReport: "importReport"
        case .gisIds: "gisIdsFile"
        default: "\(rawValue)File"
        }
    }

    public var schemaFileName: String { "\(rawValue)-1.xsd" }

    public var description: String { rawValue }

    /// The XSD text built into erc, identical to the file in `Schemas/`.
    public var schemaBytes: [UInt8] {
        switch self {
        case .principal: PackageResources.principal_1_xsd
        case .accounts: PackageResources.accounts_1_xsd
        case .meters: PackageResources.meters_1_xsd
        case .tariffs: PackageResources.tariffs_1_xsd
        case .charges: PackageResources.charges_1_xsd
        case .readings: PackageResources.readings_1_xsd
        case .payments: PackageResources.payments_1_xsd
        case .agentReport: PackageResources.agent_report_1_xsd
        case .debtors: PackageResources.debtors_1_xsd
        case .importReport: PackageResources.import_report_1_xsd
        case .center: PackageResources.center_1_xsd
        case .rates: PackageResources.rates_1_xsd
        case .gisIds: PackageResources.gis_ids_1_xsd
        }
    }

    static let commonSchema = (name: "common-1.xsd", bytes: PackageResources.common_1_xsd)
    public static var commonSchemaBytes: [UInt8] { PackageResources.common_1_xsd }

    package func compiledSchema() throws(ImportError) -> XMLSchema {
        try XMLSchema(path: EmbeddedSchemas.path(of: self))
    }
}
