import ArgumentParser
import Foundation

/// How a listing is printed: a table for a person, CSV or JSON for machines.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Prints rows as an aligned table (numbers right-aligned) or as CSV.
struct Table {
    var headers: [String]
    var rows: [[String]]
    var rightAligned: Set<Int> = []

    func text() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }

    func csv(separator: String = ",") -> String {
        func quote(_ cell: String) -> String {
            cell.contains(separator) || cell.contains("\"") || cell.contains("\n")
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([headers] + rows).map { $0.map(quote).joined(separator: separator) }.joined(separator: "\n")
    }
}

func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// How a CSV report is written for the spreadsheet that opens it: a Russian-locale spreadsheet
/// wants `;` between fields, and Excel needs a UTF-8 byte-order mark to read Cyrillic.
struct CSVOptions: ParsableArguments {
    @Option(help: "CSV field separator: comma or semicolon.") var separator: Separator = .comma
    @Flag(help: "Start CSV output with a UTF-8 byte-order mark (for Excel).") var bom = false

    enum Separator: String, ExpressibleByArgument {
        case comma, semicolon
        var text: String { self == .comma ? "," : ";" }
    }

    func render(_ table: Table) -> String {
        (bom ? "\u{FEFF}" : "") + table.csv(separator: separator.text)
    }
}
