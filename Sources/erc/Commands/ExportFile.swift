import Billing
import Core
import Principals
import Storage

/// Writes one exchange file for a principal: inbound kinds and readings from the registry,
/// payments, agent report and debtors computed by Billing. Returns the rows written.
func exportFile(
    connection: any Connection, kind: ExchangeKind, inn: String, period: BillingPeriod, path: String, fileId: String?,
    createdAt: String
) throws -> Int {
    let header = ExchangeHeader(
        principalINN: inn, period: period, fileId: fileId ?? "ERC-\(kind.rawValue)-\(inn)-\(period)",
        createdAt: createdAt)
    switch kind {
    case .payments:
        let file = try PaymentsFileWriter(path: path, header: header)
        try PrincipalSettlements(connection: connection, inn: inn).payments(period: period) { try file.add($0) }
        try file.finish()
        return file.rows
    case .debtors:
        let file = try DebtorsFileWriter(path: path, header: header)
        try PrincipalSettlements(connection: connection, inn: inn).debtors(period: period) { try file.add($0) }
        try file.finish()
        return file.rows
    case .agentReport:
        let report = try PrincipalSettlements(connection: connection, inn: inn).agentReport(period: period)
        try AgentReportFile.write(report, header: header, to: path)
        return report.lines.count
    default:
        return try PrincipalExporter(connection: connection, inn: inn, createdAt: createdAt)
            .export(kind, period: period, to: path, fileId: header.fileId)
    }
}
