import ArgumentParser
import CommandLineSupport
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
        ([headers] + rows).map { Self.csvLine($0, separator: separator) }.joined(separator: "\n")
    }

    /// One CSV line, cells quoted where they hold the separator, a quote or a line break.
    static func csvLine(_ cells: [String], separator: String) -> String {
        cells.map { cell in
            cell.contains(separator) || cell.contains("\"") || cell.contains("\n")
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: separator)
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

/// How an accountant's report is printed: a table for a person; CSV, JSON or XML for other tools.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, xml
}

extension Table {
    /// The rows as XML: `<report name="..."><row><Column>value</Column>...</row></report>`,
    /// element names made of the headers' letters and digits.
    func xml(name: String) -> String {
        func element(_ header: String) -> String {
            let letters = header.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
            let text = String(String.UnicodeScalarView(letters))
            return text.first.map { $0.isLetter } == true ? text : "c" + text
        }
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        let names = headers.map(element)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report name=\"\(escape(name))\">\n"
        for row in rows {
            out += "  <row>" + zip(names, row).map { "<\($0)>\(escape($1))</\($0)>" }.joined() + "</row>\n"
        }
        return out + "</report>"
    }
}

/// Prints a report in the format asked for: the table (with a closing line), CSV, JSON of
/// `value`, or XML of the table.
func emit<T: Encodable>(
    _ table: Table, json value: T, name: String, format: ReportFormat, csv: CSVOptions, footer: String? = nil
) throws {
    switch format {
    case .table:
        print(table.text())
        if let footer { print(footer) }
    case .csv: print(csv.render(table))
    case .json: print(try json(value))
    case .xml: print(table.xml(name: name))
    }
}
