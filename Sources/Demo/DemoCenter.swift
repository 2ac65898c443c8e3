public import Core

extension Center {
    /// The synthetic center of the demo region (valid check digits, not a real organisation:
    /// `RequisitesTests` checks each requisite). Only the demo and the tests use it; a real
    /// center sets its own (`erc center set`, a center file).
    public static let demo = Center(
        name: "АО «ЕРЦ Челябинской области»",
        inn: INN(known: "7453000019"),
        kpp: KPP(known: "745301001"),
        ogrn: OGRN(known: "1027400000011"),
        address: "454091, г. Челябинск, ул. Кирова, д. 159",
        phone: "+7 (351) 200-00-00",
        email: "info@erc-demo.example",
        website: "erc-demo.example",
        bankDetails: BankDetails(
            bankName: "ПАО СБЕРБАНК",
            bic: BIC(known: "047501602"),
            correspondentAccount: BankAccount(known: "30101810700000000602"),
            account: BankAccount(known: "40702810672000000001")),
        paymentWays: "в банках по QR-коду, на инфомате, в центрах обслуживания ЕРЦ",
        readingWays: "в личном кабинете, на инфомате, в чат-боте, по тел. +7 (351) 200-00-00")
}
