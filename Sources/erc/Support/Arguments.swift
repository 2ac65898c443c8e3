public import ArgumentParser
public import Core

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

extension PersonalAccountNumber: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(argument)
    }
}
