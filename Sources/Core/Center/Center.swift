/// The settlement center itself: the payee of the whole-ЕПД QR code and the sender on every
/// document.
public struct Center: Sendable, Hashable, Codable {
    public var name: String
    public var inn: INN
    public var kpp: KPP
    public var address: String
    public var phone: String
    public var website: String
    public var bankDetails: BankDetails

    public init(
        name: String, inn: INN, kpp: KPP, address: String, phone: String, website: String, bankDetails: BankDetails
    ) {
        self.name = name
        self.inn = inn
        self.kpp = kpp
        self.address = address
        self.phone = phone
        self.website = website
        self.bankDetails = bankDetails
    }

    /// The synthetic center of the demo region (valid check digits, not a real organisation:
    /// `RequisitesTests` checks each requisite).
    public static let demo = Center(
        name: "АО «ЕРЦ Челябинской области»",
        inn: INN(known: "7453000019"),
        kpp: KPP(known: "745301001"),
        address: "454091, г. Челябинск, ул. Кирова, д. 159",
        phone: "+7 (351) 200-00-00",
        website: "erc-demo.example",
        bankDetails: BankDetails(
            bankName: "ПАО СБЕРБАНК",
            bic: BIC(known: "047501602"),
            correspondentAccount: BankAccount(known: "30101810700000000602"),
            account: BankAccount(known: "40702810672000000001")))
}
