public import Core

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
        hasher.update(buffer[0..<read])
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
