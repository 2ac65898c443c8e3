public import Core

/// One row of a result, valid while the row callback runs. Columns are read by position.
///
/// SQLite hands integers over as integers; PostgreSQL rows arrive as text and are parsed here,
/// so the same accessor works on both drivers.
public struct SQLRow: Sendable {
    public let values: [SQLValue]

    public init(values: [SQLValue]) {
        self.values = values
    }

    public var count: Int { values.count }

    public func isNull(_ column: Int) -> Bool { values[column] == .null }

    public func int64(_ column: Int) throws(StorageError) -> Int64 {
        switch values[column] {
        case .integer(let value): return value
        case .text(let text):
            if let value = Int64(text) { return value }
            throw StorageError(code: .decoding, message: "column \(column) is not an integer")
        case .null:
            throw StorageError(code: .decoding, message: "column \(column) is NULL, an integer was expected")
        }
    }

    public func int(_ column: Int) throws(StorageError) -> Int { Int(try int64(column)) }

    public func optionalInt64(_ column: Int) throws(StorageError) -> Int64? {
        values[column] == .null ? nil : try int64(column)
    }

    public func string(_ column: Int) throws(StorageError) -> String {
        switch values[column] {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .null:
            throw StorageError(code: .decoding, message: "column \(column) is NULL, text was expected")
        }
    }

    public func optionalString(_ column: Int) throws(StorageError) -> String? {
        values[column] == .null ? nil : try string(column)
    }

    public func money(_ column: Int) throws(StorageError) -> Money { Money(kopecks: try int64(column)) }

    public func period(_ column: Int) throws(StorageError) -> BillingPeriod {
        let text = try string(column)
        guard let period = BillingPeriod(text) else {
            throw StorageError(code: .decoding, message: "column \(column) is not a period YYYY-MM")
        }
        return period
    }

    public func date(_ column: Int) throws(StorageError) -> CalendarDate {
        let text = try string(column)
        guard let date = CalendarDate(iso: text) else {
            throw StorageError(code: .decoding, message: "column \(column) is not a date YYYY-MM-DD")
        }
        return date
    }
}
