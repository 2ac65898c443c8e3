import Core

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SHA-256 of a file and its size, read in chunks.
func fileDigest(path: String) -> (sha256: String, size: Int)? {
    guard let handle = fopen(path, "rb") else { return nil }
    defer { fclose(handle) }
    var hasher = SHA256()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var size = 0
    while true {
        let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
        if read == 0 { break }
        size += read
        buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<read])) }
    }
    guard ferror(handle) == 0 else { return nil }
    return (hexString(hasher.finalize()), size)
}

/// The last path component, for messages.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// Parses a non-negative decimal with at most `scale` fraction digits into an integer scaled by
/// 10^scale: `"12.345"` at scale 3 is 12345.
func parseScaled(_ text: String, scale: Int) -> Int64? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, !parts[0].hasPrefix("+") else { return nil }
    var fraction = parts.count == 2 ? String(parts[1]) : ""
    guard fraction.count <= scale, fraction.allSatisfy(\.isNumber) else { return nil }
    fraction += String(repeating: "0", count: scale - fraction.count)
    var factor: Int64 = 1
    for _ in 0..<scale { factor *= 10 }
    return whole * factor + (fraction.isEmpty ? 0 : Int64(fraction)!)
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
        return position + pattern.count <= bytes.endIndex && bytes[position..<position + pattern.count].elementsEqual(pattern)
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
            if starts("<?", at: index) { skip(until: "?>"); continue }
            if starts("<!--", at: index) { skip(until: "-->"); continue }
            return nil  // the root element: no DOCTYPE can follow
        }
        index += 1
    }
    return nil
}
