import Billing
public import Core
import Foundation
public import Storage

/// What importing one registry did.
public struct RegistryImportSummary: Sendable, Hashable {
    public var file: String
    public var paymentOrder: String
    public var payments = 0
    public var amount = Money.zero
    /// Payments recorded before (the same operation of the same bank): not doubled.
    public var repeated = 0
    public var suspense = 0
    public var suspenseAmount = Money.zero
    public var readings = 0
    /// Readings passed with payments that could not be taken, with why.
    public var readingsLeftOut: [String] = []
    /// The same registry (bank, payment order and date, the same payments) was imported before.
    public var alreadyImported = false
}

/// Imports a bank's registry of accepted payments all or nothing: the file is checked whole
/// (`BankRegistry`), then in one transaction each payment for a known premises is recorded and
/// allocated (`PaymentBook`, idempotent by bank and operation id), each for an unknown account
/// goes to the suspense list to be resolved by an accountant, and readings passed with payments
/// are stored where the meter is on that account (others are reported and left out, the payment
/// stays). A registry is the bank's payment order (number and date): the same one again, in any
/// encoding, adds nothing; a different one under the same order is refused.
public struct RegistryImporter {
    let connection: any Connection
    let bank: String
    let layout: RegistryLayout

    public init(connection: any Connection, bank: String, layout: RegistryLayout) {
        self.connection = connection
        self.bank = bank
        self.layout = layout
    }

    public func importFile(at path: String) throws -> RegistryImportSummary {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BankFileError(file: name, problems: [.init(line: 0, field: "file", reason: "cannot be read")])
        }
        let bytes = [UInt8](data)
        let registry = try BankRegistry.parse(bytes, layout: layout, file: name)
        var digest = SHA256()
        digest.update(bytes)
        let sha = digest.finalize().map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }
        .joined()
        var summary = RegistryImportSummary(file: name, paymentOrder: registry.paymentOrder)
        try connection.withTransaction {
            if let held = try connection.first(
                "SELECT id FROM bank_registries WHERE bank = ? AND payment_order = ? AND order_date = ?",
                [bank, registry.paymentOrder, registry.paymentOrderDate])
            {
                try checkSame(registry, registryId: try held.int64(0), file: name)
                summary.alreadyImported = true
                return
            }
            let registryId = try connection.one(
                """
                INSERT INTO bank_registries (bank, payment_order, order_date, file_name, sha256, payments, total,
                                             transferred, fee)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    bank, registry.paymentOrder, registry.paymentOrderDate, name, sha, registry.payments.count,
                    registry.total, registry.transferred, registry.fee,
                ]
            ).int64(0)
            let book = PaymentBook(connection: connection)
            func note(_ payment: BankRegistry.Payment, _ outcome: String, _ paymentId: Int64?) throws {
                try connection.execute(
                    """
                    INSERT INTO registry_lines (registry_id, line, operation_id, account, paid, transferred, fee, outcome,
                                                payment_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        registryId, payment.line, payment.operationId, payment.account, payment.paid,
                        payment.transferred,
                        payment.fee, outcome, paymentId,
                    ])
            }
            for payment in registry.payments {
                guard let account = try? PersonalAccountNumber(payment.account) else {
                    let fresh = try suspend(
                        payment, registryId: registryId, reason: "not a personal account number", &summary)
                    try note(payment, fresh ? "suspense" : "repeated", nil)
                    continue
                }
                let recorded: RecordedPayment
                do {
                    recorded = try book.record(
                        IncomingPayment(
                            source: bank, operationId: payment.operationId, account: account, amount: payment.paid,
                            paidOn: payment.paidOn,
                            designation: .init(
                                principalINN: payment.principalINN, serviceCode: payment.serviceCode,
                                period: payment.period),
                            registryId: registryId))
                } catch let error as BillingError where error.code == .invalidPayment {
                    let fresh = try suspend(payment, registryId: registryId, reason: error.message, &summary)
                    try note(payment, fresh ? "suspense" : "repeated", nil)
                    continue
                }
                try note(payment, recorded.wasRecordedBefore ? "repeated" : "payment", recorded.id)
                if recorded.wasRecordedBefore {
                    summary.repeated += 1
                } else {
                    summary.payments += 1
                    summary.amount += payment.paid
                }
                for reading in payment.readings {
                    try take(reading, with: payment, account: account, &summary)
                }
            }
        }
        return summary
    }

    /// The registry imported before under the same payment order must hold the same payments.
    private func checkSame(_ registry: BankRegistry, registryId: Int64, file: String) throws {
        var held: Set<String> = []
        try connection.query(
            """
            SELECT operation_id, amount FROM payments WHERE registry_id = ? AND bank = ?
            UNION ALL SELECT operation_id, amount FROM payment_suspense WHERE registry_id = ?
            """, [registryId, bank, registryId]
        ) { held.insert("\(try $0.string(0))|\(try $0.int64(1))") }
        let given = Set(registry.payments.map { "\($0.operationId)|\($0.paid.kopecks)" })
        // Payments recorded through an earlier registry are not linked to this one: compare what is held.
        if !held.isEmpty && held != given {
            throw BankFileError(
                file: file,
                problems: [
                    .init(
                        line: registry.payments.last.map { $0.line + 1 } ?? 1, field: "payment order",
                        reason:
                            "order \(registry.paymentOrder) of \(registry.paymentOrderDate.russian) was imported before with other payments"
                    )
                ])
        }
    }

    /// Puts a payment in suspense; false when the operation was there already.
    private func suspend(
        _ payment: BankRegistry.Payment, registryId: Int64, reason: String, _ summary: inout RegistryImportSummary
    ) throws -> Bool {
        guard try SuspenseList(connection: connection).add(bank: bank, payment, registryId: registryId, reason: reason)
        else {
            summary.repeated += 1
            return false
        }
        summary.suspense += 1
        summary.suspenseAmount += payment.paid
        return true
    }

    /// Takes a reading passed with a payment by the rules every channel's readings pass
    /// (`ReadingIntake`): taken on the day paid, keyed by bank, operation and meter so a registry
    /// imported again adds nothing. A reading the rules refuse is left out with its reason; the
    /// payment stands.
    private func take(
        _ reading: BankRegistry.Reading, with payment: BankRegistry.Payment, account: PersonalAccountNumber,
        _ summary: inout RegistryImportSummary
    ) throws {
        let submission = ReadingSubmission(
            account: account, meter: reading.meter, valueMilli: reading.valueMilli, takenOn: payment.paidOn,
            channel: .bank, receivedAt: "\(payment.paidOn)T00:00:00+05:00",
            idempotencyKey: "bank:\(bank):\(payment.operationId):\(reading.meter)")
        do {
            let ack = try ReadingIntake(connection: connection, today: payment.paidOn).submit(submission)
            if !ack.replayed { summary.readings += 1 }
        } catch let rejection as ReadingRejection {
            summary.readingsLeftOut.append(
                "line \(payment.line): meter \(reading.meter): \(rejection.code): \(rejection.message)")
        }
    }
}
