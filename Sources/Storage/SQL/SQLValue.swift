public import Core

/// A value bound to a statement or read from a row. Money and dates go in as integers and text.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
}

/// A Swift value that can be bound to a statement parameter.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}
extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}
extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}
extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}
extension Money: SQLBindable {
    public var sqlValue: SQLValue { .integer(kopecks) }
}
extension BillingPeriod: SQLBindable {
    public var sqlValue: SQLValue { .text(description) }
}
extension CalendarDate: SQLBindable {
    public var sqlValue: SQLValue { .text(description) }
}
extension PersonalAccountNumber: SQLBindable {
    public var sqlValue: SQLValue { .text(value) }
}
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
