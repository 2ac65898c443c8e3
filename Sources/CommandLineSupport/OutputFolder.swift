import Foundation

/// A file or folder a command was told to write cannot be written: said before the work starts
/// where possible, with the system's reason (exit status 73, sysexits' "cannot create").
public struct OutputError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

public enum OutputFolder {
    /// Makes `path` (and the folders above it) if missing and checks that a file can be created
    /// in it.
    public static func prepare(_ path: String) throws(OutputError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw OutputError(path: path, reason: "it is a file, not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw OutputError(path: path, reason: systemReason(of: error))
            }
        }
        try probe(path)
    }

    /// Checks that a new file can be created in the existing folder `path`.
    public static func probe(_ path: String) throws(OutputError) {
        let probe = "\(path)/.erc-write-check-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: probe, contents: nil) else {
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// The system's words for a Foundation error about a file.
    static func systemReason(of error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
