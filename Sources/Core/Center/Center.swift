/// The settlement center itself: the payee of the whole-ЕПД QR code and the sender on every
/// document. Its requisites are data (`erc center set`, a center file), dated: a change takes
/// effect from a day.
public struct Center: Sendable, Hashable, Codable {
    public var name: String
    public var inn: INN
    public var kpp: KPP
    public var ogrn: OGRN
    public var address: String
    /// One or more phones, as printed ("+7 (351) 200-00-00, 8-800-000-00-00").
    public var phone: String
    public var email: String
    public var website: String
    public var bankDetails: BankDetails
    /// Where and how to pay, as printed on the ЕПД.
    public var paymentWays: String
    /// Where and how to send meter readings, as printed on the ЕПД.
    public var readingWays: String

    public init(
        name: String, inn: INN, kpp: KPP, ogrn: OGRN, address: String, phone: String, email: String, website: String,
        bankDetails: BankDetails, paymentWays: String, readingWays: String
    ) {
        self.name = name
        self.inn = inn
        self.kpp = kpp
        self.ogrn = ogrn
        self.address = address
        self.phone = phone
        self.email = email
        self.website = website
        self.bankDetails = bankDetails
        self.paymentWays = paymentWays
        self.readingWays = readingWays
    }
}

/// The center's requisites as text, before they are checked: what `erc center set` and a
/// center file give.
public struct CenterFields: Sendable, Hashable {
    public var name = ""
    public var inn = ""
    public var kpp = ""
    public var ogrn = ""
    public var address = ""
    public var phone = ""
    public var email = ""
    public var website = ""
    public var bankName = ""
    public var bic = ""
    public var correspondentAccount = ""
    public var account = ""
    public var paymentWays = ""
    public var readingWays = ""

    public init() {}

    /// The fields of a center (to change some of them and check again).
    public init(_ center: Center) {
        name = center.name
        inn = center.inn.value
        kpp = center.kpp.value
        ogrn = center.ogrn.value
        address = center.address
        phone = center.phone
        email = center.email
        website = center.website
        bankName = center.bankDetails.bankName
        bic = center.bankDetails.bic.value
        correspondentAccount = center.bankDetails.correspondentAccount.value
        account = center.bankDetails.account.value
        paymentWays = center.paymentWays
        readingWays = center.readingWays
    }

    /// One field that does not hold: its name (as the file's element and the option say it)
    /// and why.
    public struct Problem: Sendable, Hashable {
        public var field: String
        public var reason: String
    }

    /// The center, or every problem of the fields: check digits of the INN, KPP, OGRN, BIC and
    /// both accounts (against the BIC), and the texts that must be there.
    public func checked() -> Result<Center, CenterProblems> {
        var problems: [Problem] = []
        func check<T>(_ field: String, _ make: () throws(RequisiteError) -> T) -> T? {
            do {
                return try make()
            } catch {
                problems.append(Problem(field: field, reason: error.description))
                return nil
            }
        }
        let inn = check("inn") { () throws(RequisiteError) in try INN(self.inn) }
        if let inn, inn.value.count != 10 {
            problems.append(Problem(field: "inn", reason: "a center is an organisation: its INN has 10 digits"))
        }
        let kpp = check("kpp") { () throws(RequisiteError) in try KPP(self.kpp) }
        let ogrn = check("ogrn") { () throws(RequisiteError) in try OGRN(self.ogrn) }
        if let ogrn, ogrn.value.count != 13 {
            problems.append(Problem(field: "ogrn", reason: "a center is an organisation: its OGRN has 13 digits"))
        }
        let bic = check("bic") { () throws(RequisiteError) in try BIC(self.bic) }
        var account: BankAccount?
        var correspondent: BankAccount?
        if let bic {
            account = check("account") { () throws(RequisiteError) in try BankAccount(self.account, bic: bic) }
            correspondent = check("correspondentAccount") { () throws(RequisiteError) in
                try BankAccount(correspondent: self.correspondentAccount, bic: bic)
            }
        }
        // The name and the bank's name go into every payment QR code: GOST R 56042-2014 allows
        // them 160 and 45 characters.
        let texts: [(String, String, Int)] = [
            ("name", name, 160), ("address", address, 300), ("phone", phone, 200), ("email", email, 200),
            ("website", website, 200), ("bankName", bankName, 45), ("paymentWays", paymentWays, 600),
            ("readingWays", readingWays, 600),
        ]
        for (field, text, limit) in texts {
            if let reason = PrintedText.problem(text, limit: limit) {
                problems.append(Problem(field: field, reason: reason))
            }
        }
        if !email.isEmpty, !email.contains("@") {
            problems.append(Problem(field: "email", reason: "is not an e-mail address"))
        }
        guard problems.isEmpty, let inn, let kpp, let ogrn, let bic, let account, let correspondent else {
            return .failure(CenterProblems(problems: problems))
        }
        return .success(
            Center(
                name: name, inn: inn, kpp: kpp, ogrn: ogrn, address: address, phone: phone, email: email,
                website: website,
                bankDetails: BankDetails(
                    bankName: bankName, bic: bic, correspondentAccount: correspondent, account: account),
                paymentWays: paymentWays, readingWays: readingWays))
    }
}

/// Every problem of a center's fields.
public struct CenterProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [CenterFields.Problem]
    public var description: String { problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; ") }
}
