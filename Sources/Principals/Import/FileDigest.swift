import Core

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's SHA-256 (hex) and size.
public struct FileChecksum: Sendable {
    public var sha256: String
    public var size: Int
}

/// The SHA-256 of a file (Core's, the one SHA-256 of erc) and its size, read in chunks.
public func fileDigest(path: String) -> FileChecksum? {
    guard let handle = fopen(path, "rb") else { return nil }
    defer { fclose(handle) }
    var hasher = SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 18)
    var size = 0
    while true {
        let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
        if read == 0 { break }
        size += read
        buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<read])) }
    }
    guard ferror(handle) == 0 else { return nil }
    return FileChecksum(sha256: hexString(hasher.finalize()), size: size)
}

/// The last path component, for messages.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// Parses a non-negative decimal with at most `scale` fraction digits into an integer scaled by
/// 10^scale: `"12.345"` at scale 3 is 12345. Nil for anything else.
func parseScaled(_ text: String, scale: Int) -> Int64? {
    var whole: Int64 = 0
    var fraction: Int64 = 0
    var fractionDigits = 0
    var wholeDigits = 0
    var seenPoint = false
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= scale else { return nil }
                fraction = fraction * 10 + digit
            } else {
                wholeDigits += 1
                guard wholeDigits <= 15 else { return nil }
                whole = whole * 10 + digit
            }
        case UInt8(ascii: "."):
            guard !seenPoint else { return nil }
            seenPoint = true
        default:
            return nil
        }
    }
    guard wholeDigits > 0 else { return nil }
    for _ in fractionDigits..<scale { fraction *= 10 }
    var factor: Int64 = 1
    for _ in 0..<scale { factor *= 10 }
    return whole * factor + fraction
}

/// The line of a `<!DOCTYPE` in the file's prolog (before the root element), found by reading
/// bytes only, so that libxml2 never sees a document type declaration (no entity is declared,
/// loaded or expanded). Nil when there is none.
func doctypeLine(path: String) -> Int? {
    guard let handle = fopen(path, "rb") else { return nil }
    defer { fclose(handle) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
    let bytes = buffer[0..<read]
    var line = 1
    var index = bytes.startIndex
    func starts(_ text: String, at position: Int) -> Bool {
        let pattern = Array(text.utf8)
        return position + pattern.count <= bytes.endIndex
            && bytes[position..<position + pattern.count].elementsEqual(pattern)
    }
    func skip(until terminator: String) {
        while index < bytes.endIndex && !starts(terminator, at: index) {
            if bytes[index] == 0x0A { line += 1 }
            index += 1
        }
        index += terminator.utf8.count
    }
    while index < bytes.endIndex {
        let byte = bytes[index]
        if byte == 0x0A { line += 1 }
        if byte == UInt8(ascii: "<") {
            if starts("<!DOCTYPE", at: index) { return line }
            if starts("<?", at: index) {
                skip(until: "?>")
                continue
            }
            if starts("<!--", at: index) {
                skip(until: "-->")
                continue
            }
            return nil  // the root element: no DOCTYPE can follow
        }
        index += 1
    }
    return nil
}

/// Why a file is not an XML document at all, from its first bytes: empty (or only white space),
/// or beginning with something other than markup. nil when it begins like XML (a byte-order
/// mark, white space, then `<`); the parser judges the rest.
func notXMLReason(path: String) -> (line: Int, reason: String)? {
    guard let handle = fopen(path, "rb") else { return nil }
    defer { fclose(handle) }
    var buffer = [UInt8](repeating: 0, count: 4_096)
    let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
    var bytes = buffer[0..<read]
    // UTF-16 is the parser's to read.
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var line = 1
    for (index, byte) in zip(bytes.indices, bytes) {
        switch byte {
        case 0x0A: line += 1
        case 0x20, 0x09, 0x0D: continue
        case UInt8(ascii: "<"): return nil
        default:
            let start =
                String(decoding: bytes[index...].prefix(24), as: UTF8.self)
                .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return (
                line,
                "not an XML document: it begins with \"\(start)\"; an exchange file begins with <?xml or its root element"
            )
        }
    }
    return (
        line,
        read == 0
            ? "the file is empty: an exchange file is an XML document (Schemas/)"
            : "the file holds only white space: an exchange file is an XML document (Schemas/)"
    )
}
