import Core
import Storage

/// Meter readings a principal collected itself (its own office, its own web site), sent to the
/// center in the readings format the center exports. Each reading must be of one of the
/// principal's meters on the account and service it names and not be taken after it was
/// received; then it passes the rules every channel's reading passes (``ReadingsFileIntake``:
/// not below the previous reading unless the counter rolled over, under the ceiling, the meter
/// installed and not taken off, the readings day), in the order the readings were taken. One
/// refusal rejects the file, every refusal named with its line. The same meter and day twice in
/// one file is refused; across files and channels the billing run takes the last reading of a
/// month.
final class ReadingsFileHandler: RecordHandler {
    let session: ImportSession
    let intake: (any ReadingsFileIntake)?
    var services: Set<String> = []
    var seen: Set<String> = []
    var count = 0
    var valueTotal: Int64 = 0

    init(session: ImportSession, intake: (any ReadingsFileIntake)?) {
        self.session = session
        self.intake = intake
    }

    func header(_ record: XMLRecord) throws -> Bool {
        guard let codes = try session.beginRegistry(header: record), session.principalId != nil else {
            return false
        }
        if intake == nil {
            session.problem(
                record, "principalInn", "readings are taken by the center's intake, which this import was not given")
            return false
        }
        services = codes
        return true
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "reading": try reading(record)
        case "footer":
            session.checkCount(record, "rowCount", "readings", count)
            if let said = record.fields["valueTotal"].flatMap({ parseScaled($0, scale: 3) }), said != valueTotal {
                session.problem(
                    record, "valueTotal", "says \(formatMilli(said)), the readings add up to \(formatMilli(valueTotal))"
                )
            }
        default: break
        }
    }

    private func reading(_ record: XMLRecord) throws {
        count += 1
        session.summary.rows += 1
        let f = record.fields
        let house = f["house"]
        guard let account = f["account"] ?? house.map({ _ in "" }), let meter = f["meter"], let service = f["service"],
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
        guard seen.insert((house.map { "house \($0)|" } ?? "") + meter + "|" + taken.description).inserted else {
            session.problem(record, "takenOn", "duplicate reading: the same meter and day appear earlier in the file")
            return
        }
        guard session.principalId != nil else { return }
        try staging.append(
            [
                .text(meter), .text(account), .text(service), .integer(value), taken.sqlValue, .text(channel),
                .text(received), .integer(Int64(record.line(of: "meter"))), .integer(Int64(record.line(of: "value"))),
                .integer(Int64(record.line(of: "takenOn"))), house.map(SQLValue.text) ?? .null,
            ], session: session)
    }

    let staging = StagingTable(
        name: "erc_import_readings",
        columns: [
            ("meter_serial", "TEXT NOT NULL"), ("account_number", "TEXT NOT NULL"), ("service_code", "TEXT NOT NULL"),
            ("value_milli", "BIGINT NOT NULL"), ("taken_on", "TEXT NOT NULL"), ("channel", "TEXT NOT NULL"),
            ("received_at", "TEXT NOT NULL"), ("line", "BIGINT NOT NULL"), ("value_line", "BIGINT NOT NULL"),
            ("taken_line", "BIGINT NOT NULL"), ("house_code", "TEXT"),
        ])

    /// One set query: each reading's meter must be this principal's, on the account and service
    /// named, and the value must fit its digits. Then, when the file has no problem so far, each
    /// reading in the order taken goes through the intake's rules and is stored; a refusal is a
    /// problem of its line, and the transaction takes everything back.
    func finishChecks() throws {
        try staging.flush(session: session)
        guard staging.created, let principalId = session.principalId else { return }
        try session.connection.query(
            """
            SELECT r.line, r.value_line, CASE WHEN m.serial IS NULL AND h.serial IS NULL THEN 1 ELSE 0 END,
                   CASE WHEN r.house_code IS NULL THEN 0 ELSE 1 END FROM \(staging.name) r
            LEFT JOIN meters m ON r.house_code IS NULL AND m.principal_id = ? AND m.serial = r.meter_serial
                AND m.account_number = r.account_number AND m.service_code = r.service_code
            LEFT JOIN house_meters h ON h.principal_id = ? AND h.serial = r.meter_serial
                AND h.house_code = r.house_code AND h.service_code = r.service_code
            ORDER BY r.line
            """, [principalId, principalId]
        ) { row in
            if try row.int(2) != 0 {
                session.problem(
                    line: try row.int(0), element: "meter",
                    reason: try row.int(3) != 0
                        ? "no house meter of this principal with this serial on this house and service"
                        : "no meter of this principal with this serial on this account and service")
            }
        }
        try session.connection.query(
            """
            SELECT r.value_line, m.digits FROM \(staging.name) r
            JOIN meters m ON r.house_code IS NULL AND m.principal_id = ? AND m.serial = r.meter_serial
            WHERE r.value_milli >= \(capacityExpression) ORDER BY r.line
            """, [principalId]
        ) { row in
            session.problem(
                line: try row.int(0), element: "value",
                reason: "has more integer digits than the meter's \(try row.int(1))")
        }
        try session.connection.query(
            """
            SELECT r.value_line, m.digits FROM \(staging.name) r
            JOIN house_meters m ON m.house_code = r.house_code AND m.principal_id = ? AND m.serial = r.meter_serial
            WHERE r.value_milli >= \(capacityExpression) ORDER BY r.line
            """, [principalId]
        ) { row in
            session.problem(
                line: try row.int(0), element: "value",
                reason: "has more integer digits than the meter's \(try row.int(1))")
        }
        if !session.hasProblems, let intake, let importId = session.importId {
            try takeReadings(intake, principalId: principalId, importId: importId)
        }
    }

    /// The staged readings through the intake, earliest taken first, a page at a time (a driver
    /// cannot write while a query streams).
    private func takeReadings(_ intake: any ReadingsFileIntake, principalId: Int64, importId: Int64) throws {
        let connection = session.connection
        var after: (taken: String, line: Int64) = ("", -1)
        while true {
            let page = try connection.all(
                """
                SELECT meter_serial, account_number, value_milli, taken_on, channel, received_at, line, value_line, taken_line,
                       house_code
                FROM \(staging.name) WHERE taken_on > ? OR (taken_on = ? AND line > ?)
                ORDER BY taken_on, line LIMIT 5000
                """, [after.taken, after.taken, after.line])
            guard let last = page.last else { return }
            after = (try last.string(3), try last.int64(6))
            for row in page {
                let line = try row.int(6)
                let channel = MeterReading.Channel(rawValue: try row.string(4)) ?? .principal
                do {
                    if let house = try row.optionalString(9) {
                        try intake.take(
                            FileHouseReading(
                                principalId: principalId, house: house, meter: try row.string(0),
                                valueMilli: try row.int64(2), takenOn: try row.date(3), channel: channel,
                                receivedAt: try row.string(5), key: "file:\(importId):\(line)"), on: connection)
                    } else {
                        try intake.take(
                            FileReading(
                                principalId: principalId, account: try PersonalAccountNumber(try row.string(1)),
                                meter: try row.string(0), valueMilli: try row.int64(2), takenOn: try row.date(3),
                                channel: channel, receivedAt: try row.string(5), key: "file:\(importId):\(line)"),
                            on: connection)
                    }
                } catch let refusal as FileReadingRefusal {
                    let at =
                        switch refusal.element {
                        case "value": try row.int(7)
                        case "takenOn": try row.int(8)
                        default: line
                        }
                    session.problem(line: at, element: refusal.element, reason: refusal.reason)
                }
            }
        }
    }

    /// 10^digits x 1000 in SQL, for digits 1...9 (both dialects lack a portable integer power).
    private var capacityExpression: String {
        "CASE m.digits "
            + (1...9).map { digits in
                var capacity: Int64 = 1_000
                for _ in 0..<digits { capacity *= 10 }
                return "WHEN \(digits) THEN \(capacity)"
            }.joined(separator: " ") + " END"
    }

    /// The readings are stored already (by the intake, during the checks).
    func finish() throws {
        try staging.drop(session: session)
    }
}
