public import Core

/// Writes the readings received for a principal's meters.
public final class ReadingsFileWriter: ExchangeFileWriter {
    private var valueTotal: Int64 = 0

    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .readings, path: path, header: header)
    }

    public func add(_ reading: MeterReading) throws(ExchangeWriteError) {
        valueTotal += reading.valueMilli
        try record(
            "reading",
            [
                "account": reading.account.value, "meter": reading.meterSerial, "service": reading.serviceCode,
                "value": decimal3(reading.valueMilli), "takenOn": reading.takenOn.description,
                "channel": reading.channel.rawValue, "receivedAt": reading.receivedAt,
            ])
    }

    /// A house meter's (ОДПУ) reading: the house instead of an account.
    public func add(_ reading: HouseMeterReading) throws(ExchangeWriteError) {
        valueTotal += reading.valueMilli
        try record(
            "reading",
            [
                "house": reading.houseCode, "meter": reading.meterSerial, "service": reading.serviceCode,
                "value": decimal3(reading.valueMilli), "takenOn": reading.takenOn.description,
                "channel": reading.channel.rawValue, "receivedAt": reading.receivedAt,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: ["rowCount": String(rows), "valueTotal": decimal3(valueTotal)])
    }
}

/// Writes the payments allocated to a principal.
public final class PaymentsFileWriter: ExchangeFileWriter {
    private var total = Money.zero

    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .payments, path: path, header: header)
    }

    public func add(_ payment: AllocatedPayment) throws(ExchangeWriteError) {
        total += payment.amount
        try record(
            "payment",
            [
                "account": payment.account.value, "service": payment.serviceCode, "paidOn": payment.paidOn.description,
                "amount": String(payment.amount.kopecks), "source": payment.source,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: ["rowCount": String(rows), "totalAmount": String(total.kopecks)])
    }
}

/// Writes a principal's debtors.
public final class DebtorsFileWriter: ExchangeFileWriter {
    private var total = Money.zero

    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .debtors, path: path, header: header)
    }

    public func add(_ debtor: Debtor) throws(ExchangeWriteError) {
        total += debtor.debt
        try record(
            "debtor",
            [
                "account": debtor.account.value, "owner": debtor.owner,
                "ownedUntil": debtor.ownedUntil?.description, "address": debtor.address,
                "debt": String(debtor.debt.kopecks), "oldestPeriod": debtor.oldestPeriod.description,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: ["rowCount": String(rows), "debtTotal": String(total.kopecks)])
    }
}

/// Writes the agent's report to a principal.
public enum AgentReportFile {
    public static func write(_ report: AgentReport, header: ExchangeHeader, to path: String) throws(ExchangeWriteError)
    {
        let file = try ExchangeFileWriter(kind: .agentReport, path: path, header: header)
        try file.writer.record("agreement", ["number": report.agreementNumber, "feeRule": report.feeRule])
        for line in report.lines {
            try file.record(
                "line",
                [
                    "service": line.serviceCode, "payments": String(line.payments),
                    "collected": String(line.collected.kopecks), "fee": String(line.fee.kopecks),
                    "payout": String(line.payout.kopecks),
                ])
        }
        try file.finish(footer: [
            "rowCount": String(file.rows), "collectedTotal": String(report.collected.kopecks),
            "feeTotal": String(report.fee.kopecks), "payoutTotal": String(report.payout.kopecks),
        ])
    }
}
