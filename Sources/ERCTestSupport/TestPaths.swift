public import Foundation

/// Where things are when tests run: the repository, its fixtures, the built `erc`.
public enum TestPaths {
    /// The repository root (this file is `Sources/ERCTestSupport/TestPaths.swift`).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func fixture(_ name: String) -> String {
        repository.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    public static func schema(_ name: String) -> String {
        repository.appendingPathComponent("Schemas").appendingPathComponent(name).path
    }

    /// The `erc` executable of this build: `$ERC_BIN`, else beside the test bundle, else
    /// `.build/debug/erc`.
    public static var ercBinary: String {
        if let path = ProcessInfo.processInfo.environment["ERC_BIN"] { return path }
        return built("erc")
    }

    /// The `erc-bench` executable of this build, found as ``ercBinary`` is (its folder when
    /// `$ERC_BIN` is set).
    public static var benchBinary: String {
        if let path = ProcessInfo.processInfo.environment["ERC_BIN"] {
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("erc-bench").path
        }
        return built("erc-bench")
    }

    /// An executable of this build: beside the test bundle, else in `.build/debug/`.
    static func built(_ name: String) -> String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repository.appendingPathComponent(".build/debug/\(name)").path
    }
}

/// A temporary folder, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ prefix: String = "erc-test") throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
