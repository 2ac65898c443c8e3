public import Core

/// What `zbarimg --raw -Sbinary` prints for a page: the payloads of every code one after the
/// other (binary mode puts nothing between them, text mode a newline). Splits them at each
/// GOST R 56042 header (`ST0001` + charset digit + separator) and parses each.
public enum QRScan {
    public static func payloads(_ output: [UInt8]) throws -> [PaymentQR] {
        let header = Array("ST0001".utf8)
        var starts: [Int] = []
        var index = 0
        while index + header.count + 2 <= output.count {
            if Array(output[index..<(index + header.count)]) == header,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(output[index + header.count])
            {
                starts.append(index)
                index += header.count + 2
            } else {
                index += 1
            }
        }
        return try starts.enumerated().map { offset, start in
            var end = offset + 1 < starts.count ? starts[offset + 1] : output.count
            while end > start, output[end - 1] == 0x0A || output[end - 1] == 0x0D { end -= 1 }
            return try PaymentQR(parsing: Array(output[start..<end]))
        }
    }
}
