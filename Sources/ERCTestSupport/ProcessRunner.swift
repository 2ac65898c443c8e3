public import Foundation

/// The outcome of running a program.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutData: Data
}

/// Runs programs the way a user does and captures what they print.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`; `environment` entries are added to this process's.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the program runs, so neither fills up.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self), stdoutData: outData)
    }

    /// A program's full path, found on PATH when the name has no slash.
    public static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolMissing(name: name)
    }

    public static func isInstalled(_ name: String) -> Bool { (try? resolve(name)) != nil }
}

/// A tool a test needs is not installed (`make test` installs them).
public struct ToolMissing: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "\(name) is not installed: run scripts/setup.sh test" }
}

final class LockedData: @unchecked Sendable {
    // Invariant: `data` and `done` are accessed only with `lock` held.
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) {
        lock.lock()
        data = value
        done = true
        lock.unlock()
    }
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }
    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}
