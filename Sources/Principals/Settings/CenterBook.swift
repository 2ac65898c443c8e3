public import Core
public import Storage

/// The center's requisites with the day each version takes effect: the one owner of
/// `center_settings`. A change is a new row; the history stays.
public struct CenterBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// One version of the center's requisites.
    public struct Version: Sendable, Hashable {
        public var center: Center
        public var effectiveFrom: CalendarDate
        /// What set it: "erc center set" or the center file's name and id.
        public var source: String
        public var recordedAt: String
    }

    /// Records `center` from `day` on. The same requisites from the same day again change
    /// nothing (returns false).
    @discardableResult
    public func set(_ center: Center, from day: CalendarDate, source: String) throws -> Bool {
        if let same = try history().last(where: { $0.effectiveFrom == day }), same.center == center { return false }
        let bank = center.bankDetails
        try connection.execute(
            """
            INSERT INTO center_settings (effective_from, name, inn, kpp, ogrn, bank_name, bic, correspondent_account,
                account, address, phones, email, website, payment_ways, reading_ways, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                day, center.name, center.inn.value, center.kpp.value, center.ogrn.value, bank.bankName, bank.bic.value,
                bank.correspondentAccount.value, bank.account.value, center.address, center.phone, center.email,
                center.website, center.paymentWays, center.readingWays, source,
            ])
        return true
    }

    /// Every version, in the order they take effect (a later record of the same day after an
    /// earlier one).
    public func history() throws -> [Version] {
        try connection.all(
            """
            SELECT effective_from, name, inn, kpp, ogrn, bank_name, bic, correspondent_account, account, address,
                   phones, email, website, payment_ways, reading_ways, source, recorded_at
            FROM center_settings ORDER BY effective_from, id
            """
        ).map { row in
            var fields = CenterFields()
            fields.name = try row.string(1)
            fields.inn = try row.string(2)
            fields.kpp = try row.string(3)
            fields.ogrn = try row.string(4)
            fields.bankName = try row.string(5)
            fields.bic = try row.string(6)
            fields.correspondentAccount = try row.string(7)
            fields.account = try row.string(8)
            fields.address = try row.string(9)
            fields.phone = try row.string(10)
            fields.email = try row.string(11)
            fields.website = try row.string(12)
            fields.paymentWays = try row.string(13)
            fields.readingWays = try row.string(14)
            switch fields.checked() {
            case .success(let center):
                return Version(
                    center: center, effectiveFrom: try row.date(0), source: try row.string(15),
                    recordedAt: try row.string(16))
            case .failure(let problems):
                throw StorageError(code: .decoding, message: "the center's stored requisites do not hold: \(problems)")
            }
        }
    }

    /// The requisites in force on `day`; nil when none were set by then.
    public func center(on day: CalendarDate) throws -> Center? {
        try history().last { $0.effectiveFrom <= day }?.center
    }

    /// The requisites in force on `day`, or the error that says how to set them.
    public func required(on day: CalendarDate) throws -> Center {
        guard let center = try center(on: day) else {
            let first = try history().first?.effectiveFrom
            throw CenterNotSetError(day: day, firstSetDay: first)
        }
        return center
    }
}

/// No center's requisites are in force on the day a ЕПД needs them.
public struct CenterNotSetError: Error, Sendable, Hashable, CustomStringConvertible {
    public var day: CalendarDate
    /// The first day requisites take effect, when some were set for a later day.
    public var firstSetDay: CalendarDate?

    public init(day: CalendarDate, firstSetDay: CalendarDate?) {
        self.day = day
        self.firstSetDay = firstSetDay
    }

    public var description: String {
        let when = firstSetDay.map { "the center's requisites take effect only from \($0), after \(day)" }
        return (when ?? "the center's requisites are not set")
            + ": the ЕПД, its QR codes and the center's payment orders need its own account; set them with `erc center set` "
            + "or `erc center import FILE` (see `erc center set --help`)"
    }
}
