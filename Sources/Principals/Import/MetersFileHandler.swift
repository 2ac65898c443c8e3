import Core
import Storage

/// A meter registry: the principal's meters on premises it serves.
final class MetersFileHandler: RecordHandler {
    let session: ImportSession
    var serials: Set<String> = []
    var services: Set<String> = []
    var count = 0

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) -> Bool {
        guard session.begin(header: record) else { return false }
        session.store { services = try session.serviceCodes() }
        session.recordImport(period: session.summary.period)
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "meter": meter(record)
        case "footer":
            if let said = record.fields["meterCount"].flatMap({ Int($0) }), said != count {
                session.problem(record, "meterCount", "says \(said) meters, the file has \(count)")
            }
        default: break
        }
    }

    private func meter(_ record: XMLRecord) {
        count += 1
        session.summary.rows += 1
        let f = record.fields
        guard let serial = f["serial"], let account = f["account"], let service = f["service"],
            let digits = f["digits"].flatMap({ Int($0) }),
            let installed = f["installedOn"].flatMap(CalendarDate.init(iso:)),
            let verified = f["verifiedUntil"].flatMap(CalendarDate.init(iso:))
        else { return }
        var initial: Int64?
        if let text = f["initialReading"] {
            guard let value = parseScaled(text, scale: 3) else { return }
            initial = value
            var capacity: Int64 = 1_000
            for _ in 0..<digits { capacity *= 10 }
            if value >= capacity {
                session.problem(record, "initialReading", "has more integer digits than the meter's \(digits)")
            }
        }
        guard serials.insert(serial).inserted else {
            session.problem(record, "serial", "duplicate meter serial in the file")
            return
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        if verified <= installed {
            session.problem(record, "verifiedUntil", "must be after installedOn")
        }
        guard let principalId = session.principalId else { return }
        session.store {
            if try !session.serves(account) {
                session.problem(record, "account", "unknown account, or not one this principal serves")
            }
            guard session.problems.isEmpty else { return }
            try session.connection.execute(
                """
                INSERT INTO meters (principal_id, serial, service_code, account_number, digits, installed_on,
                                    verified_until, initial_reading_milli)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (principal_id, serial) DO UPDATE SET service_code = excluded.service_code,
                    account_number = excluded.account_number, digits = excluded.digits,
                    installed_on = excluded.installed_on, verified_until = excluded.verified_until,
                    initial_reading_milli = excluded.initial_reading_milli
                """,
                [principalId, serial, service, account, digits, installed, verified, initial])
        }
    }

    func finish() {}
}
