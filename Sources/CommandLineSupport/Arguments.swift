public import API
public import ArgumentParser
public import Billing
public import Core
public import Intake
public import Principals

extension BillingPeriod: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }
}

extension Money: ExpressibleByArgument {
    /// Roubles with a comma or a dot and up to two decimals ("150,00", "150.5", "150").
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension Delivery: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument)
    }
}

extension RateRow.Kind: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument)
    }
}

extension PersonalAccountNumber: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(argument)
    }
}

extension PaymentQR.Charset: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(name: argument)
    }

    /// The name `--help` shows for a default (not the flag byte of the payload's header).
    public var defaultValueDescription: String {
        switch self {
        case .utf8: "utf8"
        case .cp1251: "cp1251"
        case .koi8r: "koi8r"
        }
    }
}

extension RegistryLayout.Encoding: ExpressibleByArgument {}
extension APIKey.Role: ExpressibleByArgument {}
extension MeterReading.Channel: ExpressibleByArgument {}
extension ExchangeKind: ExpressibleByArgument {}
extension ReceivablesLedger.Grouping: ExpressibleByArgument {}

extension Rate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
