import Core
import Storage

/// A charges file: rows of (account, service, volume, tariff, amount) for one period, stored as
/// postings of kind `charge` in the journal.
final class ChargesFileHandler: RecordHandler {
    let session: ImportSession
    var period: BillingPeriod?
    var served: Set<String> = []
    var services: Set<String> = []
    var seen: Set<String> = []
    var footerSeen = false
    var pending: [[SQLValue]] = []
    /// Set when a row could not be read (the schema names why): control sums are then not checked.
    var incomplete = false

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) -> Bool {
        period = record.fields["period"].flatMap(BillingPeriod.init)
        session.summary.period = period
        guard session.begin(header: record), let principalId = session.principalId else { return false }
        session.store {
            try session.connection.query(
                "SELECT account_number FROM principal_accounts WHERE principal_id = ?", [principalId]
            ) { served.insert(try $0.string(0)) }
            try session.connection.query("SELECT code FROM services WHERE principal_id = ?", [principalId]) {
                services.insert(try $0.string(0))
            }
        }
        session.recordImport(period: period)
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "charge": charge(record)
        case "footer": footer(record)
        default: break
        }
    }

    private func charge(_ record: XMLRecord) {
        session.summary.rows += 1
        guard let account = record.fields["account"], let service = record.fields["service"],
            let volume = record.fields["volume"].flatMap({ parseScaled($0, scale: 3) }),
            let tariff = record.fields["tariff"].flatMap({ Int64($0) }),
            let amount = record.fields["amount"].flatMap({ Int64($0) })
        else {
            incomplete = true  // the schema has already named what is wrong
            return
        }
        session.summary.total += Money(kopecks: amount)
        if !served.contains(account) {
            session.problem(record, "account", "unknown account, or not one this principal serves")
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        if !seen.insert(account + "|" + service).inserted {
            session.problem(record, "charge", "duplicate row: the same account and service appear earlier in the file")
        }
        let expected = Money.charge(volumeMilli: volume, tariff: Money(kopecks: tariff))
        if expected.kopecks != amount {
            session.problem(record, "amount", "is not volume x tariff rounded to whole kopecks (expected \(expected.decimalString))")
        }
        guard session.problems.isEmpty, let period, let principalId = session.principalId,
            let importId = session.importId
        else { return }
        pending.append([
            .text(account), .integer(principalId), .text(service), .text(period.description), .text("charge"),
            .integer(amount), .integer(volume), .integer(tariff), .text(period.dueDate.description),
            .integer(importId), .integer(Int64(record.line)),
        ])
        if pending.count >= 10_000 { flush() }
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        session.store {
            try session.connection.bulkInsert(
                into: "postings",
                columns: [
                    "account_number", "principal_id", "service_code", "period", "kind", "amount", "volume_milli",
                    "tariff", "counts_from", "source_file", "source_line",
                ],
                rows: pending)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func footer(_ record: XMLRecord) {
        footerSeen = true
        if let count = record.fields["rowCount"].flatMap({ Int($0) }), count != session.summary.rows {
            session.problem(record, "rowCount", "says \(count) rows, the file has \(session.summary.rows)")
        }
        if !incomplete, let total = record.fields["totalAmount"].flatMap({ Int64($0) }),
            total != session.summary.total.kopecks
        {
            session.problem(
                record, "totalAmount",
                "says \(Money(kopecks: total).decimalString), the rows add up to \(session.summary.total.decimalString)")
        }
    }

    func finish() {
        flush()
    }
}
