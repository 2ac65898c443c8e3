import Core
import Foundation

/// The ЕПД fonts built into erc, put in a temporary folder once per process (libharu loads a
/// TrueType font only from a file). The folder name carries the fonts' checksum, so several
/// erc processes and versions share it safely.
enum EmbeddedFonts {
    struct Paths: Sendable {
        let regular: String
        let bold: String
    }

    static let paths: Result<Paths, any Error> = Result {
        let regularBytes = PackageResources.ERCSans_ttf
        let boldBytes = PackageResources.ERCSans_Bold_ttf
        let tag = String(SHA256.hex(regularBytes + boldBytes).prefix(16))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("erc-fonts-\(tag)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func place(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = folder.appendingPathComponent(name)
            if (try? Data(contentsOf: url)) != Data(bytes) {
                try Data(bytes).write(to: url, options: .atomic)
            }
            return url.path
        }
        return Paths(regular: try place("ERCSans.ttf", regularBytes), bold: try place("ERCSans-Bold.ttf", boldBytes))
    }
}
