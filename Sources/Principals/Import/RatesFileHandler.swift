import Core
import Storage

/// The legal rates as dated rows: each row checked for what its kind needs, the whole file
/// applied as one new revision of the rates (``RatesBook``) when it holds.
final class RatesFileHandler: RecordHandler {
    let session: ImportSession
    var added: [RateRow] = []
    var withdrawn: [(RateRow.Kind, CalendarDate)] = []
    var seen: Set<String> = []
    var inForce: [RateRow] = []
    var count = 0
    /// Where each row and withdrawal of the file is, for the checks of the whole.
    var lines: [String: Int] = [:]
    var headerLine = 0

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) throws -> Bool {
        let known = Set(try CenterBook(connection: session.connection).history().map(\.center.inn.value))
        inForce = try RatesBook(connection: session.connection).rows()
        headerLine = record.line
        return try session.beginSettings(header: record, innsAllowed: known)
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "rate": rate(record)
        case "withdraw": withdraw(record)
        case "footer": session.checkCount(record, "rateCount", "rates", count)
        default: break
        }
    }

    private func rate(_ record: XMLRecord) {
        count += 1
        session.summary.rows += 1
        guard let kind = record.fields["kind"].flatMap(RateRow.Kind.init(rawValue:)),
            let from = record.fields["from"].flatMap(CalendarDate.init(iso:)),
            let basis = record.fields["basis"]
        else { return }
        let through = record.fields["through"].flatMap(CalendarDate.init(iso:))
        let value = record.fields["value"].flatMap { Int($0) }
        if kind.needsValue, value == nil {
            session.problem(record, "rate", "a \(kind.rawValue) row needs a value")
        } else if !kind.needsValue, value != nil {
            session.problem(record, "value", "a \(kind.rawValue) row has no value")
        } else if let value, !kind.valueRange.contains(value) {
            session.problem(
                record, "value",
                "\(value) is outside \(kind.valueRange.lowerBound)...\(kind.valueRange.upperBound) for \(kind.rawValue)"
            )
        }
        if kind.needsThrough, through == nil {
            session.problem(record, "rate", "a \(kind.rawValue) row needs through, its last day")
        } else if through != nil, !kind.needsThrough, kind != .nonWorkingDay {
            session.problem(record, "through", "a \(kind.rawValue) row takes effect from a day; it has no last day")
        }
        if let through, through < from {
            session.problem(record, "through", "\(through) is before from, \(from)")
        }
        if kind == .dueDay, from.day != 1 {
            session.problem(record, "from", "a due-day row applies from a period: give the first day of its month")
        }
        if kind == .workingDay, from.weekday <= 5 {
            session.problem(record, "from", "\(from) is a weekday; a working-day row names a Saturday or Sunday")
        }
        guard seen.insert("\(kind.rawValue)|\(from)").inserted else {
            session.problem(record, "rate", "duplicate: the same kind and from appear earlier in the file")
            return
        }
        added.append(RateRow(kind: kind, from: from, through: through, value: value, basis: basis))
        lines["\(kind.rawValue)|\(from)"] = record.line
    }

    private func withdraw(_ record: XMLRecord) {
        guard let kind = record.fields["kind"].flatMap(RateRow.Kind.init(rawValue:)),
            let from = record.fields["from"].flatMap(CalendarDate.init(iso:))
        else { return }
        if !inForce.contains(where: { $0.kind == kind && $0.from == from }) {
            session.problem(record, "withdraw", "no \(kind.rawValue) row from \(from) is in force to withdraw")
        } else if seen.contains("\(kind.rawValue)|\(from)") {
            session.problem(
                record, "withdraw", "the file both gives and withdraws the \(kind.rawValue) row from \(from)")
        }
        withdrawn.append((kind, from))
        lines["withdraw|\(kind.rawValue)|\(from)"] = record.line
    }

    /// The rows in force after the file: every kind a calculation needs keeps a row, and no two
    /// caps or moratoria cover the same day.
    func finishChecks() throws {
        let replaced = Set(added.map { "\($0.kind.rawValue)|\($0.from)" })
        let gone = Set(withdrawn.map { "\($0.0.rawValue)|\($0.1)" })
        let after =
            inForce.filter {
                !replaced.contains("\($0.kind.rawValue)|\($0.from)") && !gone.contains("\($0.kind.rawValue)|\($0.from)")
            }
            + added
        for kind in RateRow.Kind.allCases where kind.isRequired && !after.contains(where: { $0.kind == kind }) {
            let line =
                withdrawn.first { $0.0 == kind }.flatMap { lines["withdraw|\(kind.rawValue)|\($0.1)"] } ?? headerLine
            session.problem(
                line: line, element: "withdraw",
                reason:
                    "would leave no \(kind.rawValue) row in force; penalties and due dates need one: replace it instead"
            )
        }
        for kind in RateRow.Kind.allCases where kind.isWindow {
            let windows = after.filter { $0.kind == kind }.sorted { $0.from < $1.from }
            for (earlier, later) in zip(windows, windows.dropFirst())
            where later.from <= (earlier.through ?? earlier.from) {
                // The row the file brings is the one named.
                let (named, other) =
                    replaced.contains("\(later.kind.rawValue)|\(later.from)") ? (later, earlier) : (earlier, later)
                session.problem(
                    line: lines["\(named.kind.rawValue)|\(named.from)"] ?? headerLine, element: "rate",
                    reason:
                        "the \(kind.rawValue) \(named.from)...\(named.through ?? named.from) overlaps the one "
                        + "\(other.from)...\(other.through ?? other.from): which would apply? Withdraw or replace it")
            }
        }
    }

    func finish() throws {
        try RatesBook(connection: session.connection).apply(
            added: added, withdrawn: withdrawn, source: "file \(session.file) (id \(session.summary.fileId))",
            file: session.settingsFileId)
    }
}
