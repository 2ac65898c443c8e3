/// A payment QR payload that cannot be built or read.
public struct PaymentQRError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        public static let header = Code("header")
        public static let missingField = Code("missing field")
        public static let tooLong = Code("too long")
        public static let charset = Code("charset")
        public static let separator = Code("separator")
        public var description: String { base }
    }

    public var code: Code
    public var reason: String
    public var description: String { "payment QR: \(reason)" }
}

extension PaymentQR {
    /// The bytes to put into the QR code in byte mode, in the payload's own charset.
    /// The separator is the first of `| # ; : ...` that no value contains.
    public func encoded() throws(PaymentQRError) -> [UInt8] {
        for (index, key) in PaymentQR.mandatoryKeys.enumerated() {
            guard index < fields.count, fields[index].key == key, !fields[index].value.isEmpty else {
                throw PaymentQRError(code: .missingField, reason: "the mandatory field \(key) must come \(index + 1)")
            }
        }
        for field in fields {
            if let limit = PaymentQR.limits[field.key.lowercased()], field.value.count > limit {
                throw PaymentQRError(code: .tooLong, reason: "\(field.key) is longer than \(limit) characters")
            }
        }
        var items: [(key: [UInt8], value: [UInt8])] = []
        for field in fields {
            guard let key = encode(field.key), let value = encode(field.value) else {
                throw PaymentQRError(code: .charset, reason: "\(field.key) has a character outside the charset")
            }
            items.append((key, value))
        }
        guard let separator = PaymentQR.separators.first(where: { s in items.allSatisfy { !$0.value.contains(s) } })
        else {
            throw PaymentQRError(code: .separator, reason: "every separator occurs in the values")
        }
        var bytes: [UInt8] = Array("ST0001".utf8) + [charset.rawValue]
        for item in items {
            bytes.append(separator)
            bytes += item.key
            bytes.append(0x3D)  // "="
            bytes += item.value
        }
        return bytes
    }

    private func encode(_ text: String) -> [UInt8]? {
        switch charset {
        case .utf8: return Array(text.utf8)
        case .cp1251: return CP1251.encode(text)
        case .koi8r: return text.utf8.allSatisfy { $0 < 0x80 } ? Array(text.utf8) : nil
        }
    }

    /// Reads a payload: checks the service block, splits on its separator, decodes by its
    /// charset flag. Empty values and `null` are dropped, as tolerant readers do; a trailing
    /// separator is accepted.
    public init(parsing bytes: [UInt8]) throws(PaymentQRError) {
        guard bytes.count >= 8, bytes[0..<6].elementsEqual("ST0001".utf8) else {
            throw PaymentQRError(code: .header, reason: "the payload must start with ST0001 and a charset flag")
        }
        guard let charset = Charset(rawValue: bytes[6]) else {
            throw PaymentQRError(code: .header, reason: "unknown charset flag")
        }
        let separator = bytes[7]
        var fields: [Field] = []
        for item in bytes[8...].split(separator: separator, omittingEmptySubsequences: true) {
            let text: String?
            switch charset {
            case .utf8: text = String(validating: item, as: UTF8.self)
            case .cp1251: text = CP1251.decode(item)
            case .koi8r: text = item.allSatisfy { $0 < 0x80 } ? String(decoding: item, as: UTF8.self) : nil
            }
            guard let text else {
                throw PaymentQRError(code: .charset, reason: "bytes that are not valid in the declared charset")
            }
            guard let equals = text.firstIndex(of: "=") else {
                throw PaymentQRError(code: .missingField, reason: "an item without '='")
            }
            let value = String(text[text.index(after: equals)...])
            if value.isEmpty || value == "null" { continue }
            fields.append(Field(String(text[..<equals]), value))
        }
        self.init(charset: charset, fields: fields)
        for key in PaymentQR.mandatoryKeys where self[key] == nil {
            throw PaymentQRError(code: .missingField, reason: "the mandatory field \(key) is missing")
        }
    }
}
