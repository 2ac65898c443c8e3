import Core
import Storage

/// A meter registry: the principal's meters on premises it serves, staged in bulk and checked
/// against the registry in one set query.
final class MetersFileHandler: RecordHandler {
    let session: ImportSession
    var serials: Set<String> = []
    var services: Set<String> = []
    var count = 0
    var houseSerials: Set<String> = []
    var houseMeterCount = 0
    /// House meters checked, written by `finish`.
    var pendingHouseMeters: [[SQLValue]] = []

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) throws -> Bool {
        guard let codes = try session.beginRegistry(header: record) else { return false }
        services = codes
        return true
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "meter": try meter(record)
        case "houseMeter": try houseMeter(record)
        case "footer":
            session.checkCount(record, "meterCount", "meters", count)
            session.checkCount(record, "houseMeterCount", "house meters", houseMeterCount)
        default: break
        }
    }

    private func meter(_ record: XMLRecord) throws {
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
        var removed: CalendarDate?
        if let text = f["removedOn"] {
            removed = CalendarDate(iso: text)
            if let removed, removed <= installed {
                session.problem(record, "removedOn", "must be after installedOn")
            }
        }
        guard session.principalId != nil else { return }
        try staging.append(
            [
                .text(serial), .text(service), .text(account), .integer(Int64(digits)), installed.sqlValue,
                verified.sqlValue, initial.map(SQLValue.integer) ?? .null, .integer(Int64(record.line(of: "account"))),
                removed?.sqlValue ?? .null,
            ], session: session)
    }

    /// A house meter (ОДПУ): of a registered house, measuring a resource of one of the
    /// principal's services; few in a file, checked one by one.
    private func houseMeter(_ record: XMLRecord) throws {
        houseMeterCount += 1
        session.summary.rows += 1
        let f = record.fields
        guard let serial = f["serial"], let house = f["house"], let service = f["service"],
            let digits = f["digits"].flatMap({ Int($0) }),
            let installed = f["installedOn"].flatMap(CalendarDate.init(iso:)),
            let verified = f["verifiedUntil"].flatMap(CalendarDate.init(iso:))
        else { return }
        guard houseSerials.insert(serial).inserted else {
            session.problem(record, "serial", "duplicate house meter serial in the file")
            return
        }
        var initial: Int64?
        if let text = f["initialReading"], let value = parseScaled(text, scale: 3) {
            initial = value
            var capacity: Int64 = 1_000
            for _ in 0..<digits { capacity *= 10 }
            if value >= capacity {
                session.problem(record, "initialReading", "has more integer digits than the meter's \(digits)")
            }
        }
        if verified <= installed {
            session.problem(record, "verifiedUntil", "must be after installedOn")
        }
        let removed = f["removedOn"].flatMap(CalendarDate.init(iso:))
        if let removed, removed <= installed {
            session.problem(record, "removedOn", "must be after installedOn")
        }
        guard let principalId = session.principalId else { return }
        if try session.connection.first("SELECT 1 FROM houses WHERE code = ?", [house]) == nil {
            session.problem(record, "house", "unknown house code: register the house in an accounts file first")
        }
        // A house meter with readings keeps its house, service and digits, and its dates and
        // initial reading must stay around its readings: another meter is another serial.
        if let held = try session.connection.first(
            """
            SELECT m.house_code, m.service_code, m.digits,
                   (SELECT MIN(r.taken_on) FROM house_readings r WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial),
                   (SELECT MAX(r.taken_on) FROM house_readings r WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial),
                   (SELECT r.value_milli FROM house_readings r WHERE r.principal_id = m.principal_id AND r.meter_serial = m.serial
                    ORDER BY r.taken_on, r.id LIMIT 1)
            FROM house_meters m WHERE m.principal_id = ? AND m.serial = ?
            """, [principalId, serial]), !held.isNull(3)
        {
            let (first, last) = (try held.date(3), try held.date(4))
            for (element, was, now) in [
                ("house", try held.string(0), house), ("service", try held.string(1), service),
                ("digits", String(try held.int(2)), String(digits)),
            ] where was != now {
                session.problem(
                    record, element,
                    "the house meter has readings from \(first): its \(element) stays \(was); a new meter gets a new serial"
                )
            }
            if installed > first {
                session.problem(record, "installedOn", "after the meter's first reading, taken on \(first)")
            }
            if let removed, removed <= last {
                session.problem(record, "removedOn", "on or before the meter's last reading, taken on \(last)")
            }
            if let initial, initial > (try held.int64(5)) {
                session.problem(record, "initialReading", "above the meter's first reading")
            }
        }
        let resource = try session.connection.first(
            "SELECT resource FROM services WHERE principal_id = ? AND code = ?", [principalId, service])
        guard let resource, !resource.isNull(0) else {
            session.problem(
                record, "service",
                "not a service of this principal that names its resource (a house meter measures one)")
            return
        }
        pendingHouseMeters.append([
            .integer(principalId), .text(serial), .text(house), .text(service), .text(try resource.string(0)),
            .integer(Int64(digits)), installed.sqlValue, verified.sqlValue, initial.map(SQLValue.integer) ?? .null,
            removed?.sqlValue ?? .null,
        ])
    }

    let staging = StagingTable(
        name: "erc_import_meters",
        columns: [
            ("serial", "TEXT NOT NULL"), ("service_code", "TEXT NOT NULL"), ("account_number", "TEXT NOT NULL"),
            ("digits", "INTEGER NOT NULL"), ("installed_on", "TEXT NOT NULL"), ("verified_until", "TEXT NOT NULL"),
            ("initial_reading_milli", "BIGINT"), ("account_line", "BIGINT NOT NULL"), ("removed_on", "TEXT"),
        ])

    /// A principal's meters may only be on premises it serves: one set query names every other.
    func finishChecks() throws {
        try staging.flush(session: session)
        guard staging.created, let principalId = session.principalId else { return }
        try session.connection.query(
            """
            SELECT m.account_line FROM \(staging.name) m
            LEFT JOIN principal_accounts pa ON pa.principal_id = ? AND pa.account_number = m.account_number
            WHERE pa.account_number IS NULL ORDER BY m.account_line
            """, [principalId]
        ) { row in
            session.problem(
                line: try row.int(0), element: "account",
                reason: "unknown account, or not one this principal serves")
        }
    }

    func finish() throws {
        for row in pendingHouseMeters {
            try session.connection.execute(
                """
                INSERT INTO house_meters (principal_id, serial, house_code, service_code, resource, digits, installed_on,
                                          verified_until, initial_reading_milli, removed_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (principal_id, serial) DO UPDATE SET house_code = excluded.house_code,
                    service_code = excluded.service_code, resource = excluded.resource, digits = excluded.digits,
                    installed_on = excluded.installed_on, verified_until = excluded.verified_until,
                    initial_reading_milli = excluded.initial_reading_milli, removed_on = excluded.removed_on
                """, row)
        }
        guard staging.created, let principalId = session.principalId else { return }
        try session.connection.execute(
            """
            INSERT INTO meters (principal_id, serial, service_code, account_number, digits, installed_on,
                                verified_until, initial_reading_milli, removed_on)
            SELECT ?, serial, service_code, account_number, digits, installed_on, verified_until,
                   initial_reading_milli, removed_on
            FROM \(staging.name) WHERE true
            ON CONFLICT (principal_id, serial) DO UPDATE SET service_code = excluded.service_code,
                account_number = excluded.account_number, digits = excluded.digits,
                installed_on = excluded.installed_on, verified_until = excluded.verified_until,
                initial_reading_milli = excluded.initial_reading_milli, removed_on = excluded.removed_on
            """, [principalId])
        try staging.drop(session: session)
    }
}
