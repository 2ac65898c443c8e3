import Batches
import Core
import Demo
public import ERCTestSupport
import Foundation
import Principals
public import Storage

/// Two imports of one principal's files at the same moment, as two accountants (or a script's
/// retry and an accountant) send them, each on a connection of its own, on every driver.
public enum ConcurrentImports {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ location: DatabaseLocation, in folder: TemporaryDirectory) throws {
        let files = try DemoRegion(premisesCount: 1_500, seed: 3, period: BillingPeriod.clamped(2026, 10))
            .write(to: folder.path)
        let setup = try location.open()
        let importer = ExchangeImporter(connection: setup)
        for file in files.principals + files.accounts + files.meters + files.tariffs {
            _ = try importer.importFile(at: file)
        }
        // The two biggest charges files (the water and the heating utilities', every premises).
        let charges = files.charges.sorted { size($0) > size($1) }
        guard charges.count >= 2 else { throw Failure(description: "the region has no two charges files") }

        // The same charges under two file ids at once: one is stored, the other refused as
        // charged already; the journal holds the charges once.
        let first = try copy(charges[0], id: "C-RACE-A", in: folder)
        let second = try copy(charges[0], id: "C-RACE-B", in: folder)
        var before = try setup.scalar("SELECT COUNT(*) FROM postings")
        let race = try atOnce(location, first, second)
        let stored = race.compactMap { try? $0.get() }
        guard stored.count == 1, let summary = stored.first else {
            throw Failure(description: "the same charges under two ids at once: \(race)")
        }
        let refused = race.compactMap { result -> ImportError? in
            if case .failure(let error as ImportError) = result { return error }
            return nil
        }
        guard refused.count == 1, refused[0].problems.contains(where: { $0.reason.contains("charged already") }) else {
            throw Failure(description: "the second import of the same charges was not refused as such: \(race)")
        }
        let added = try setup.scalar("SELECT COUNT(*) FROM postings") - before
        guard added == Int64(summary.rows) else {
            throw Failure(description: "\(summary.rows) rows imported, \(added) postings added")
        }

        // The same file twice at once: stored once, the other finds it imported already.
        before = try setup.scalar("SELECT COUNT(*) FROM postings")
        let twice = try atOnce(location, charges[1], charges[1])
        let summaries = try twice.map { try $0.get() }
        guard summaries.filter(\.alreadyImported).count == 1 else {
            throw Failure(description: "the same file twice at once: \(summaries)")
        }
        let rows = summaries.first { !$0.alreadyImported }?.rows ?? 0
        guard try setup.scalar("SELECT COUNT(*) FROM postings") - before == Int64(rows), rows > 0 else {
            throw Failure(description: "the same file twice at once stored other than \(rows) postings")
        }
    }

    /// Imports two files at the same time, each on a connection of its own.
    static func atOnce(
        _ location: DatabaseLocation, _ first: String, _ second: String
    ) throws -> [Result<ImportSummary, any Error>] {
        let paths = [first, second]
        return try BatchRunner(name: "test").map(2) { index in
            Result { try ExchangeImporter(connection: try location.connect()).importFile(at: paths[index]) }
        }
    }

    /// A copy of a file under another file id.
    static func copy(_ path: String, id: String, in folder: TemporaryDirectory) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        guard let start = text.range(of: "<fileId>"), let end = text.range(of: "</fileId>") else {
            throw Failure(description: "\(path) has no file id")
        }
        text.replaceSubrange(start.upperBound..<end.lowerBound, with: id)
        let copy = "\(folder.path)/\(id).xml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        return copy
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }
}
