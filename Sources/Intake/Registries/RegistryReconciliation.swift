public import Core
public import Storage

/// One bank registry of a period set against what was stored from it.
public struct RegistryReconciliation: Sendable, Hashable, Codable {
    public var bank: String
    public var paymentOrder: String
    public var orderDate: CalendarDate
    public var lines: Int
    /// The summary line's totals: paid by the payers, transferred to the center, the bank's fee.
    public var total: Money
    public var transferred: Money
    public var fee: Money
    public var recorded: Money
    public var suspense: Money
    /// Operations recorded before (through another registry or a retry): not doubled.
    public var repeated: Money
    /// Of the suspense: what an accountant assigned to an account since (`erc payments assign`).
    public var assigned = Money.zero
    /// Of the recorded: what was reversed since (`erc payments reverse`).
    public var reversed = Money.zero
    /// The amount of the registry's payment order in the bank's statement; nil when no
    /// statement of the bank for the period is imported (`erc payments statement`).
    public var statement: Money?
    /// Every line whose payment does not match what is stored, named.
    public var differences: [String]
}

extension RegistryReconciliation {
    /// The registries whose payment order is dated in `period`, each line checked against the
    /// payment or suspense entry it became (amount, allocation to the kopeck).
    public static func compute(connection: any Connection, period: BillingPeriod) throws -> [RegistryReconciliation] {
        var result: [RegistryReconciliation] = []
        let registries = try connection.all(
            """
            SELECT id, bank, payment_order, order_date, payments, total, transferred, fee FROM bank_registries
            WHERE order_date >= ? AND order_date <= ? ORDER BY bank, order_date, payment_order
            """, [period.firstDay, period.lastDay])
        for registry in registries {
            let id = try registry.int64(0)
            var line = RegistryReconciliation(
                bank: try registry.string(1), paymentOrder: try registry.string(2), orderDate: try registry.date(3),
                lines: try registry.int(4), total: try registry.money(5), transferred: try registry.money(6),
                fee: try registry.money(7), recorded: .zero, suspense: .zero, repeated: .zero, statement: nil,
                differences: [])
            let statements = try connection.scalar(
                "SELECT COUNT(*) FROM bank_statement_orders WHERE bank = ? AND order_date >= ? AND order_date <= ?",
                [line.bank, period.firstDay, period.lastDay])
            line.statement = try connection.first(
                "SELECT amount FROM bank_statement_orders WHERE bank = ? AND number = ? AND order_date = ?",
                [line.bank, line.paymentOrder, line.orderDate]
            ).map { try $0.money(0) }
            if statements > 0 {
                if let amount = line.statement {
                    if amount != line.transferred {
                        line.differences.append(
                            "payment order \(line.paymentOrder): \(amount.formatted()) in the bank statement, the registry's "
                                + "summary transfers \(line.transferred.formatted()) (difference \((amount - line.transferred).formatted()))"
                        )
                    }
                } else {
                    line.differences.append(
                        "payment order \(line.paymentOrder) of \(line.orderDate) is in none of the bank's statements")
                }
            }
            var held = 0
            try connection.query(
                """
                SELECT r.line, r.operation_id, r.paid, r.outcome, y.amount, y.registry_id,
                       (SELECT -SUM(p.amount) FROM postings p WHERE p.payment_id = y.id),
                       (SELECT COUNT(*) FROM payment_suspense s WHERE s.bank = ? AND s.operation_id = r.operation_id),
                       (SELECT COUNT(*) FROM payments z WHERE z.kind = 'reversal' AND z.corrects = y.id),
                       (SELECT a.amount FROM payment_suspense s JOIN payments a ON a.id = s.assigned_payment
                        WHERE s.bank = ? AND s.operation_id = r.operation_id)
                FROM registry_lines r LEFT JOIN payments y ON y.id = r.payment_id
                WHERE r.registry_id = ? ORDER BY r.line
                """, [line.bank, line.bank, id]
            ) { row in
                held += 1
                let number = try row.int(0)
                let operation = try row.string(1)
                let paid = try row.money(2)
                let name = "line \(number), operation \(operation)"
                switch try row.string(3) {
                case "payment":
                    line.recorded += paid
                    if try row.int(8) > 0 { line.reversed += paid }
                    if try row.optionalInt64(4) != paid.kopecks {
                        line.differences.append(
                            "\(name): \(paid.formatted()) in the registry, the payment holds \(Money(kopecks: try row.optionalInt64(4) ?? 0).formatted())"
                        )
                    } else if try row.optionalInt64(6) != paid.kopecks {
                        line.differences.append(
                            "\(name): \(paid.formatted()) paid, \(Money(kopecks: try row.optionalInt64(6) ?? 0).formatted()) allocated"
                        )
                    }
                case "suspense":
                    line.suspense += paid
                    if try row.int(7) == 0 {
                        line.differences.append("\(name): in suspense, but not in the suspense list")
                    } else if let assigned = try row.optionalInt64(9) {
                        line.assigned += paid
                        if assigned != paid.kopecks {
                            line.differences.append(
                                "\(name): \(paid.formatted()) in suspense, assigned as \(Money(kopecks: assigned).formatted())"
                            )
                        }
                    }
                default:
                    line.repeated += paid
                    if let other = try row.optionalInt64(5), other != id {
                        line.differences.append(
                            "\(name): \(paid.formatted()) recorded before through another registry (\(other))")
                    }
                }
            }
            if held != line.lines {
                line.differences.append("the registry had \(line.lines) lines, \(held) are on record")
            }
            if line.recorded + line.suspense + line.repeated != line.total {
                line.differences.append(
                    "recorded \(line.recorded.formatted()) + suspense \(line.suspense.formatted()) + repeated "
                        + "\(line.repeated.formatted()) is not the \(line.total.formatted()) of the summary")
            }
            result.append(line)
        }
        return result
    }

    /// Payment orders of the banks' statements dated in `period` that no imported registry
    /// accounts for: money received without its list of payments.
    public static func ordersWithoutRegistry(connection: any Connection, period: BillingPeriod) throws -> [String] {
        try connection.all(
            """
            SELECT o.bank, o.number, o.order_date, o.amount, o.file_name, o.line FROM bank_statement_orders o
            LEFT JOIN bank_registries r ON r.bank = o.bank AND r.payment_order = o.number AND r.order_date = o.order_date
            WHERE o.order_date >= ? AND o.order_date <= ? AND r.id IS NULL
            ORDER BY o.bank, o.order_date, o.number
            """, [period.firstDay, period.lastDay]
        ).map {
            "\(try $0.string(0)): payment order \(try $0.string(1)) of \(try $0.date(2)), \(try $0.money(3).formatted()) "
                + "(\(try $0.string(4)):\(try $0.int(5))): no registry lists its payments"
        }
    }
}
