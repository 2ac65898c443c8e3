/// Windows-1251 (CP1251), the single-byte Cyrillic charset of bank registries and of
/// `ST00011` payment QR codes.
public enum CP1251 {
    /// Unicode scalars of bytes 0x80...0xBF; 0xC0...0xFF are U+0410...U+044F. 0xFFFD marks the
    /// one unassigned byte (0x98).
    static let high: [UInt32] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    /// Encodes the text, or returns nil when a character has no CP1251 byte.
    public static func encode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                bytes.append(UInt8(value))
            } else if (0x410...0x44F).contains(value) {
                bytes.append(UInt8(value - 0x410 + 0xC0))
            } else if let index = high.firstIndex(of: value), value != 0xFFFD {
                bytes.append(UInt8(0x80 + index))
            } else {
                return nil
            }
        }
        return bytes
    }

    /// Decodes bytes, or returns nil when a byte is not assigned in CP1251 (0x98).
    public static func decode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0..<0x80: value = UInt32(byte)
            case 0x80..<0xC0: value = high[Int(byte) - 0x80]
            default: value = UInt32(byte) - 0xC0 + 0x410
            }
            guard value != 0xFFFD, let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
