import Core

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The XSDs built into erc, put once per process into a temporary folder named by their
/// checksum, so that each kind's schema finds `common-1.xsd` beside it (libxml2 resolves
/// `xs:include` from files, never from the network).
enum EmbeddedSchemas {
    static let folder: String? = {
        var all: [(String, [UInt8])] = [ExchangeKind.commonSchema]
        all += ExchangeKind.allCases.map { ($0.schemaFileName, $0.schemaBytes) }
        var hasher = SHA256()
        for (_, bytes) in all { hasher.update(bytes) }
        let tag = String(hexString(hasher.finalize()).prefix(16))
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let folder = "\(base)/erc-schemas-\(tag)"
        mkdir(folder, 0o755)
        for (name, bytes) in all {
            let path = "\(folder)/\(name)"
            if fileDigest(path: path)?.sha256 == SHA256.hex(bytes) { continue }
            // Write beside and rename, so a concurrent erc never reads half a file.
            let partial = "\(path).\(getpid()).partial"
            guard let handle = fopen(partial, "wb") else { return nil }
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
            fclose(handle)
            guard written == bytes.count, rename(partial, path) == 0 else { return nil }
        }
        return folder
    }()

    static func path(of kind: ExchangeKind) throws(ImportError) -> String {
        guard let folder else {
            throw ImportError(
                code: .unreadable, file: kind.schemaFileName,
                problems: [
                    ImportProblem(
                        file: kind.schemaFileName, line: 0, element: "schema",
                        reason: "cannot write the built-in schemas to the temporary folder")
                ])
        }
        return "\(folder)/\(kind.schemaFileName)"
    }
}
