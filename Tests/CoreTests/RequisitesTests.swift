import Core
import Testing

/// The vectors of DOMAIN.md section 9.
@Suite("Requisites with check digits")
struct RequisitesTests {
    @Test(arguments: ["7707083893", "500100732259", "5037008735", "7736050003", "7830002293", "3664069397"])
    func validINN(_ inn: String) throws {
        _ = try INN(inn)
    }

    @Test(arguments: ["7707083894", "500100732258", "6200098765"])
    func wrongCheckDigitINN(_ inn: String) {
        #expect(throws: RequisiteError.self) { try INN(inn) }
        do { _ = try INN(inn) } catch { #expect(error.code == .checkDigit) }
    }

    @Test(arguments: ["770708389", "77070838931", "77070838a3", ""])
    func malformedINN(_ inn: String) {
        do {
            _ = try INN(inn)
            Issue.record("accepted \(inn)")
        } catch { #expect(error.code == .format) }
    }

    @Test func completesINN() throws {
        #expect(INN.completing("770708389")?.value == "7707083893")
        #expect(INN.completing("5001007322")?.value == "500100732259")
    }

    @Test("a center's requisites are checked field by field, every problem named")
    func centerFields() throws {
        var fields = CenterFields()
        fields.name = "АО «Расчётный центр»"
        fields.inn = "7453000019"
        fields.kpp = "745301001"
        fields.ogrn = "1027400000011"
        fields.address = "454091, г. Челябинск, ул. Кирова, д. 159"
        fields.phone = "+7 (351) 200-00-00"
        fields.email = "info@example.org"
        fields.website = "example.org"
        fields.bankName = "ПАО СБЕРБАНК"
        fields.bic = "047501602"
        fields.correspondentAccount = "30101810700000000602"
        fields.account = "40702810672000000001"
        fields.paymentWays = "в банках по QR-коду"
        fields.readingWays = "в личном кабинете"
        let center = try fields.checked().get()
        #expect(center.bankDetails.account.value == "40702810672000000001")
        #expect(CenterFields(center) == fields)
        // A wrong check digit in the INN and in the account, an empty phone, a 12-digit INN: each named.
        var bad = fields
        bad.inn = "7453000018"
        bad.account = "40702810672000000002"
        bad.phone = " "
        guard case .failure(let problems) = bad.checked() else {
            Issue.record("accepted \(bad)")
            return
        }
        #expect(problems.problems.map(\.field) == ["inn", "account", "phone"])
        bad = fields
        bad.inn = "500100732259"
        guard case .failure(let person) = bad.checked() else {
            Issue.record("accepted a person's INN")
            return
        }
        #expect(person.problems.map(\.field) == ["inn"])
    }

    @Test func kpp() throws {
        _ = try KPP("770401001")
        _ = try KPP("7704AB001")
        #expect(throws: RequisiteError.self) { try KPP("77040100") }
        #expect(throws: RequisiteError.self) { try KPP("7704ab001") }
        #expect(throws: RequisiteError.self) { try KPP("000401001") }
        // Each refusal names its own fault.
        func reason(_ text: String) -> String {
            do { _ = try KPP(text) } catch { return error.reason }
            return "accepted"
        }
        #expect(reason("005101001").contains("begins with 00"))
        #expect(!reason("005101001").contains("9 characters"))
        #expect(reason("77040100").contains("must be 9 characters, not 8"))
        #expect(reason("7704ab001").contains("reason code"))
        #expect(reason("77A401001").contains("tax office's 4 digits"))
        #expect(reason("7704010A1").contains("3 digits"))
    }

    @Test func ogrn() throws {
        _ = try OGRN("1027700132195")
        _ = try OGRN("304500116000157")
        #expect(throws: RequisiteError.self) { try OGRN("1027700132196") }
        #expect(throws: RequisiteError.self) { try OGRN("102770013219") }
        #expect(OGRN.completing("102770013219")?.value == "1027700132195")
    }

    @Test func bic() throws {
        _ = try BIC("044525225")
        _ = try BIC("012520101")
        #expect(throws: RequisiteError.self) { try BIC("04452522") }
        #expect(throws: RequisiteError.self) { try BIC("544525225") }
    }

    @Test(arguments: [
        ("40702810138250123017", "044525225"), ("40702810900000002851", "044030827"),
        ("40702810938000012345", "044525225"),
    ])
    func validAccount(_ account: String, _ bic: String) throws {
        _ = try BankAccount(account, bic: BIC(bic))
    }

    @Test func wrongAccountKey() throws {
        do {
            _ = try BankAccount("40702810400000000001", bic: BIC("044525225"))
            Issue.record("accepted a wrong key")
        } catch {
            #expect(error.code == .bankMismatch)
        }
        #expect(BankAccount.withKey("40702810400000000001", bic: try BIC("044525225"))?.value == "40702810200000000001")
    }

    @Test func correspondentAccounts() throws {
        let bic = try BIC("044525225")
        _ = try BankAccount(correspondent: "30101810400000000225", bic: bic)
        #expect(throws: RequisiteError.self) { try BankAccount(correspondent: "30101810965770000413", bic: bic) }
        #expect(throws: RequisiteError.self) { try BankAccount(correspondent: "30101810400000000226", bic: bic) }
    }

    @Test func treasuryAccounts() throws {
        let tofk = try BIC("012520101")
        _ = try BankAccount("40102810145370000026", bic: tofk)  // ЕКС: "0" + BIC[5..6] + account
        _ = try BankAccount("03100643000000013400", bic: tofk)  // no key
    }

    @Test func personalAccount() throws {
        #expect(try PersonalAccountNumber("7400000001").district == "74")
        #expect(throws: RequisiteError.self) { try PersonalAccountNumber("740000001") }
        #expect(throws: RequisiteError.self) { try PersonalAccountNumber("0000000001") }
        #expect(throws: RequisiteError.self) { try PersonalAccountNumber("74000000O1") }
    }
}
