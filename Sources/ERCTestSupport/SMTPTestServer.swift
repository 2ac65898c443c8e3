import Foundation

/// A real SMTP server for a test (`scripts/smtp-test-server.py`, Debian's python3-aiosmtpd) on a
/// loopback port, storing what it accepts in a folder; stopped when released.
public final class SMTPTestServer: @unchecked Sendable {
    public let port: Int
    public let folder: String
    private let process: Process

    /// `options` as the script takes them: `--tempfail-once`, `--reject ADDR`, `--slow ADDR:S`,
    /// `--delay S`.
    public init(folder: String, options: [String] = []) throws {
        self.folder = folder
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [TestPaths.repository.appendingPathComponent("scripts/smtp-test-server.py").path, "--dir", folder] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The first line says the port once the server listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw ServerFailed(description: "the SMTP test server did not start (python3-aiosmtpd missing?): \(text)")
        }
        self.port = port
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The messages received so far, in order, as text (the envelope's recipients first, as
    /// `X-Envelope-To:`).
    public func messages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted().map {
            try String(contentsOfFile: "\(folder)/\($0)", encoding: .utf8)
        }
    }

    deinit {
        // SIGKILL: a test runner may ignore SIGTERM, and its children inherit that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public struct ServerFailed: Error, CustomStringConvertible {
        public var description: String
    }
}
