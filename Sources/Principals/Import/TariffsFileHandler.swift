import Core
import Storage

/// Tariffs of the principal's services with the days they take effect. A tariff already stored
/// for the same service and day is replaced by the file's.
final class TariffsFileHandler: RecordHandler {
    let session: ImportSession
    var seen: Set<String> = []
    var services: Set<String> = []
    var count = 0

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
        case "tariff": try tariff(record)
        case "footer": session.checkCount(record, "tariffCount", "tariffs", count)
        default: break
        }
    }

    private func tariff(_ record: XMLRecord) throws {
        count += 1
        session.summary.rows += 1
        guard let service = record.fields["service"],
            let from = record.fields["effectiveFrom"].flatMap(CalendarDate.init(iso:)),
            let price = record.fields["price"].flatMap({ Int64($0) })
        else { return }
        let componentPrice = record.fields["componentPrice"].flatMap { Int64($0) }
        let componentFactor = record.fields["componentFactor"].flatMap { parseScaled($0, scale: 6) }
        if (componentPrice == nil) != (componentFactor == nil) {
            session.problem(
                record, componentPrice == nil ? "componentPrice" : "componentFactor",
                "a two-component tariff gives both componentPrice and componentFactor")
        }
        guard seen.insert("\(service)|\(from)").inserted else {
            session.problem(
                record, "tariff", "duplicate: the same service and effectiveFrom appear earlier in the file")
            return
        }
        if !services.contains(service) {
            session.problem(record, "service", "not a service of this principal")
        }
        guard !session.hasProblems, let principalId = session.principalId else { return }
        try session.connection.execute(
            """
            INSERT INTO tariffs (principal_id, service_code, effective_from, price, component_price,
                                 component_factor_micro)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (principal_id, service_code, effective_from) DO UPDATE SET price = excluded.price,
                component_price = excluded.component_price, component_factor_micro = excluded.component_factor_micro
            """,
            [principalId, service, from, price, componentPrice, componentFactor])
    }

    func finish() throws {}
}
