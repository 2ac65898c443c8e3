import Core

/// How one bank's registry of accepted payments is laid out, agreed per contract: the charset,
/// and which `;`-separated field holds what. The default is the classic layout of DOMAIN.md 5.2:
/// `date;time;branch;sub-branch;cashier;operation id;account;payer;address;period(MMYY);paid;
/// transferred;fee[;extra fields]`, then a summary line `=count;paid;transferred;fee;payment
/// order number;payment order date`.
public struct RegistryLayout: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case cp1251, utf8
    }

    public var encoding: Encoding
    /// Zero-based field positions.
    public var date = 0
    public var time = 1
    public var operationId = 5
    public var account = 6
    public var payer = 7
    public var address = 8
    public var period = 9
    public var paid = 10
    public var transferred = 11
    public var fee = 12
    /// Fields from here on are tagged extras (`CounterId_1:...`, `CounterVal_1:...`).
    public var extras = 13

    public init(encoding: Encoding = .cp1251) {
        self.encoding = encoding
    }

    /// The classic layout in the given charset.
    public static func classic(_ encoding: Encoding) -> RegistryLayout { RegistryLayout(encoding: encoding) }

    var requiredFields: Int {
        max(date, time, operationId, account, payer, address, period, paid, transferred, fee) + 1
    }
}
