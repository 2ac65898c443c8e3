#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresConnection {
    /// Rewrites `?` placeholders to `$1, $2, ...`, leaving quoted text and identifiers alone.
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 8)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Calls `body` with C strings for the values in text format (NULL for `.null`), alive for
    /// the duration of the call only.
    func withParameters<T>(
        _ binds: [SQLValue], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) throws(StorageError) -> T
    ) throws(StorageError) -> T {
        let copies: [UnsafeMutablePointer<CChar>?] = binds.map { value in
            switch value {
            case .null: return nil
            case .integer(let number): return strdup(String(number))
            case .text(let text): return strdup(text)
            }
        }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return try pointers.withUnsafeBufferPointer { buffer throws(StorageError) in
            try body(buffer.baseAddress, Int32(buffer.count))
        }
    }

    /// One line of COPY text format: tab-separated, `\N` for NULL, backslash escapes.
    static func appendCopyLine(_ row: [SQLValue], to buffer: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.append(0x09) }
            switch value {
            case .null:
                buffer.append(0x5C)
                buffer.append(0x4E)
            case .integer(let number):
                appendDecimal(number, to: &buffer)
            case .text(let text):
                for byte in text.utf8 {
                    switch byte {
                    case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                    case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                    case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                    default: buffer.append(byte)
                    }
                }
            }
        }
        buffer.append(0x0A)
    }
}

/// Writes an integer's decimal digits without making a String.
func appendDecimal(_ number: Int64, to buffer: inout [UInt8]) {
    if number < 0 { buffer.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    if magnitude == 0 {
        buffer.append(UInt8(ascii: "0"))
        return
    }
    let start = buffer.count
    while magnitude > 0 {
        buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
        magnitude /= 10
    }
    buffer[start...].reverse()
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
