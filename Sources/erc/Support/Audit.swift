import Foundation
import Principals
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// The audit trail as the command line writes it: the operating-system user is who, the command
/// is the action.
enum Audit {
    /// The user running erc (its login name, else its uid).
    static let actor: AuditActor = {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return AuditActor(name: String(cString: name), via: "cli")
        }
        return AuditActor(name: ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())", via: "cli")
    }()

    /// Now, UTC, as the log keeps instants.
    static var now: String { stamp(Date()) }

    /// `date`, UTC, ISO 8601: the instants of the audit trail and the send log.
    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A file as the log names its source: its name, size and SHA-256.
    static func file(_ path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let digest = fileDigest(path: path) else { return name }
        return "\(name) (\(digest.size) bytes, SHA-256 \(digest.sha256))"
    }

    /// An exchange file imported (not one imported before): its kind, id and checksum.
    static func imported(_ summary: ImportSummary, on connection: any Connection, action: String) throws {
        guard !summary.alreadyImported else { return }
        try record(
            connection, action, "import", id: "\(summary.kind.rawValue) \(summary.fileId)",
            principal: summary.principalINN.isEmpty ? nil : summary.principalINN,
            after: "\(summary.rows) rows" + (summary.period.map { ", period \($0)" } ?? ""),
            source: "\(URL(fileURLWithPath: summary.file).lastPathComponent) (SHA-256 \(summary.sha256))")
    }

    /// Records what `action` changed, on `connection` (in its transaction when it has one).
    static func record(
        _ connection: any Connection, _ action: String, _ entity: String, id: String? = nil, account: String? = nil,
        principal: String? = nil, before: String? = nil, after: String? = nil, source: String? = nil
    ) throws {
        try AuditTrail(connection: connection).record(
            AuditEntry(
                at: now, actor: actor, action: action, entity: entity, entityId: id, account: account,
                principal: principal, before: before, after: after, source: source))
    }

    /// The same, on a connection of its own.
    static func record(
        _ database: DatabaseOptions, _ action: String, _ entity: String, id: String? = nil, account: String? = nil,
        principal: String? = nil, before: String? = nil, after: String? = nil, source: String? = nil
    ) throws {
        try database.withConnection {
            try record(
                $0, action, entity, id: id, account: account, principal: principal, before: before, after: after,
                source: source)
        }
    }
}
