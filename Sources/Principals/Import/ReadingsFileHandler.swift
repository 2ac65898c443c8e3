import Core
import Storage

/// Meter readings a principal collected itself (its own office, its own web site), sent to the
/// center in the readings format the center exports. Each reading must be of one of the
/// principal's meters on the account and service it names, fit the meter's digits and not be
/// taken after it was received; it counts for the month it was taken in when taken up to the
/// service's readings due day, otherwise for the next month. The same meter and day twice in one
/// file is refused; across files and channels the billing run takes the last reading of a month.
final class ReadingsFileHandler: RecordHandler {
    let session: ImportSession
    var services: Set<String> = []
    var dueDays: [String: Int] = [:]
    var seen: Set<String> = []
    var count = 0
    var valueTotal: Int64 = 0

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) -> Bool {
        guard let codes = session.beginRegistry(header: record), let principalId = session.principalId else {
            return false
        }
        services = codes
        session.store {
            try session.connection.query(
                "SELECT code, readings_due_day FROM services WHERE principal_id = ?", [principalId]
            ) { dueDays[try $0.string(0)] = try $0.int(1) }
        }
        return true
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "reading": reading(record)
        case "footer":
            session.checkCount(record, "rowCount", "readings", count)
            if let said = record.fields["valueTotal"].flatMap({ parseScaled($0, scale: 3) }), said != valueTotal {
                session.problem(
                    record, "valueTotal", "says \(formatMilli(said)), the readings add up to \(formatMilli(valueTotal))")
            }
        default: break
        }
    }

    private func reading(_ record: XMLRecord) {
        count += 1
        session.summary.rows += 1
        let f = record.fields
        guard let account = f["account"], let meter = f["meter"], let service = f["service"],
            let value = f["value"].flatMap({ parseScaled($0, scale: 3) }),
            let taken = f["takenOn"].flatMap(CalendarDate.init(iso:)), let channel = f["channel"],
            let received = f["receivedAt"]
        else { return }
        valueTotal += value
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        if let receivedDay = CalendarDate(iso: String(received.prefix(10))), taken > receivedDay {
            session.problem(record, "takenOn", "a reading cannot be taken after it was received")
        }
        guard seen.insert(meter + "|" + taken.description).inserted else {
            session.problem(record, "takenOn", "duplicate reading: the same meter and day appear earlier in the file")
            return
        }
        let takenPeriod = BillingPeriod(year: taken.year, month: taken.month)!
        let period = taken.day <= (dueDays[service] ?? 25) ? takenPeriod : takenPeriod.next
        guard session.principalId != nil else { return }
        staging.append(
            [
                .text(meter), .text(account), .text(service), .integer(value), taken.sqlValue, .text(channel),
                .text(received), period.sqlValue, .integer(Int64(record.line(of: "meter"))),
                .integer(Int64(record.line(of: "value"))),
            ], session: session)
    }

    let staging = StagingTable(
        name: "erc_import_readings",
        columns: [
            ("meter_serial", "TEXT NOT NULL"), ("account_number", "TEXT NOT NULL"), ("service_code", "TEXT NOT NULL"),
            ("value_milli", "BIGINT NOT NULL"), ("taken_on", "TEXT NOT NULL"), ("channel", "TEXT NOT NULL"),
            ("received_at", "TEXT NOT NULL"), ("period", "TEXT NOT NULL"), ("line", "BIGINT NOT NULL"),
            ("value_line", "BIGINT NOT NULL"),
        ])

    /// One set query: each reading's meter must be this principal's, on the account and service
    /// named, and the value must fit its digits.
    func finishChecks() {
        staging.flush(session: session)
        guard staging.created, let principalId = session.principalId else { return }
        let file = session.file
        session.store {
            try session.connection.query(
                """
                SELECT r.line, r.value_line, CASE WHEN m.serial IS NULL THEN 1 ELSE 0 END, m.digits FROM \(staging.name) r
                LEFT JOIN meters m ON m.principal_id = ? AND m.serial = r.meter_serial
                    AND m.account_number = r.account_number AND m.service_code = r.service_code
                ORDER BY r.line
                """, [principalId]
            ) { row in
                if try row.int(2) != 0 {
                    session.problems.append(
                        ImportProblem(
                            file: file, line: try row.int(0), element: "meter",
                            reason: "no meter of this principal with this serial on this account and service"))
                }
            }
            try session.connection.query(
                """
                SELECT r.value_line, m.digits FROM \(staging.name) r
                JOIN meters m ON m.principal_id = ? AND m.serial = r.meter_serial
                WHERE r.value_milli >= \(capacityExpression) ORDER BY r.line
                """, [principalId]
            ) { row in
                session.problems.append(
                    ImportProblem(
                        file: file, line: try row.int(0), element: "value",
                        reason: "has more integer digits than the meter's \(try row.int(1))"))
            }
        }
        session.problems.sort { $0.line < $1.line }
    }

    /// 10^digits x 1000 in SQL, for digits 1...9 (both dialects lack a portable integer power).
    private var capacityExpression: String {
        "CASE m.digits " + (1...9).map { digits in
            var capacity: Int64 = 1_000
            for _ in 0..<digits { capacity *= 10 }
            return "WHEN \(digits) THEN \(capacity)"
        }.joined(separator: " ") + " END"
    }

    func finish() {
        guard staging.created, let principalId = session.principalId, let importId = session.importId else { return }
        session.store {
            try session.connection.execute(
                """
                INSERT INTO readings (principal_id, meter_serial, account_number, service_code, value_milli, taken_on,
                                      channel, received_at, period, idempotency_key)
                SELECT ?, meter_serial, account_number, service_code, value_milli, taken_on, channel, received_at,
                       period, 'file:' || CAST(? AS TEXT) || ':' || CAST(line AS TEXT)
                FROM \(staging.name)
                """, [principalId, importId])
        }
        staging.drop(session: session)
    }
}
