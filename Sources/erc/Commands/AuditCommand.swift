import ArgumentParser
import CommandLineSupport
import Core
import Foundation
import Storage

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Who changed money or master data, when, how and from what.",
        discussion: """
            Every change a command or an API route makes to money or master data is in the audit \
            trail: who (the operating-system user at the command line; the key's id and name, and \
            the operator where there is one, for the API), when, which command or route, what it \
            changed (the entity and its id, before and after where that is small) and the file or \
            request it came from: imports (file id and SHA-256), billing runs, period close, \
            payments imported, assigned, reversed and refunded, principals' lifecycle and \
            registration, the center's settings, rates, changes of owner, readings, self-service \
            requests, keys, migrations and restores. Rows are only ever added: the database refuses \
            to change or delete one. Days are the center's local days, --to included.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day, YYYY-MM-DD.") var from: CalendarDate
    @Option(help: "Last day, YYYY-MM-DD (default: the first day).") var to: CalendarDate?
    @Option(help: "Only what concerns this personal account.") var account: String?
    @Option(help: "Only what concerns this principal (INN).") var principal: String?
    @Option(help: "Only what this user or key did (its name, or cli:NAME / api:NAME).") var actor: String?
    @Option(help: "table, csv, json or xml.") var format: ReportFormat = .table
    @OptionGroup var csv: CSVOptions

    func validate() throws {
        if let to, to < from { throw ValidationError("--to is before --from") }
    }

    /// The UTC instant the center's local `day` begins, as the log keeps instants.
    static func start(of day: CalendarDate) -> String {
        var components = DateComponents()
        (components.year, components.month, components.day) = (day.year, day.month, day.day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CenterCalendar.timeZone
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: calendar.date(from: components) ?? Date(timeIntervalSince1970: 0))
    }

    func run() throws {
        let filter = AuditTrail.Filter(
            from: Self.start(of: from), to: Self.start(of: (to ?? from).adding(days: 1)), account: account,
            principal: principal, actor: actor)
        let entries = try database.withConnection { try AuditTrail(connection: $0).entries(filter) }
        let rows = entries.map { entry in
            [
                entry.at, entry.actor.description, entry.action, entry.entity, entry.entityId ?? "",
                entry.account ?? "",
                entry.principal ?? "", entry.before ?? "", entry.after ?? "", entry.source ?? "",
            ]
        }
        let table = Table(
            headers: [
                "At (UTC)", "Who", "Action", "Entity", "Id", "Account", "Principal", "Before", "After", "Source",
            ], rows: rows)
        try emit(
            table, json: entries, name: "audit", format: format, csv: csv,
            footer: "\(entries.count) entries, \(from)\(to.map { " to \($0)" } ?? "")")
    }
}
