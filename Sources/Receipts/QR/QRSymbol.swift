import CQREncode

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR code error from libqrencode (errno-style).
public struct QRCodeError: Error, Sendable, CustomStringConvertible {
    public var errno: Int32
    public var payloadBytes: Int
    public var description: String {
        "libqrencode could not encode \(payloadBytes) bytes (errno \(errno)) - while drawing a payment QR code"
    }
}

/// A QR symbol encoded by libqrencode in byte mode at error correction level M, as a packed
/// 1-bit bitmap of its modules (0 = dark); the 4-module quiet zone is left to the layout.
struct QRSymbol {
    /// Modules per side without the quiet zone.
    let modules: Int
    let version: Int
    /// Modules per side with the quiet zone: the square the layout keeps free for the symbol.
    var side: Int { modules + 2 * QRSymbol.quietZone }
    /// Rows of `modules` bits, each padded to whole bytes.
    let bits: [UInt8]
    static let quietZone = 4

    /// libqrencode's encoder with a given mask, when the library has it (see `shim.h`).
    static let encodeMask = erc_qrcode_find_encode_mask()
    /// The mask used with it. ISO/IEC 18004 has the encoder pick the mask whose pattern scores
    /// best; scoring all eight is most of the cost of a symbol, and with error correction M any
    /// mask reads well from print, as the tests check with zbar.
    static let fixedMask: Int32 = 2

    init(bytes: [UInt8]) throws(QRCodeError) {
        let code: UnsafeMutablePointer<QRcode>? = bytes.withUnsafeBufferPointer { buffer in
            guard let encodeMask = QRSymbol.encodeMask, let input = QRinput_new2(0, QR_ECLEVEL_M) else {
                return QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
            }
            defer { QRinput_free(input) }
            guard QRinput_append(input, QR_MODE_8, Int32(buffer.count), buffer.baseAddress) == 0 else { return nil }
            return encodeMask(input, QRSymbol.fixedMask)
        }
        guard let code else {
            throw QRCodeError(errno: errno, payloadBytes: bytes.count)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        modules = width
        version = Int(code.pointee.version)
        let rowBytes = (width + 7) / 8
        var bits = [UInt8](repeating: 0xFF, count: rowBytes * width)
        guard let data = code.pointee.data else { throw QRCodeError(errno: EINVAL, payloadBytes: bytes.count) }
        for y in 0..<width {
            for x in 0..<width where data[y * width + x] & 1 == 1 {
                bits[y * rowBytes + x / 8] &= ~(0x80 >> UInt8(x % 8))
            }
        }
        self.bits = bits
    }
}
