import Core
import Testing

@Suite("GOST R 56042-2014 payment QR payloads")
struct PaymentQRTests {
    /// DOMAIN.md vector 13.
    static let fields: [PaymentQR.Field] = [
        .init("Name", "АО «ЕРЦ Примерной области»"), .init("PersonalAcc", "40702810938000012345"),
        .init("BankName", "ПАО СБЕРБАНК"), .init("BIC", "044525225"), .init("CorrespAcc", "30101810400000000225"),
        .init("PayeeINN", "7704123450"), .init("KPP", "770401001"), .init("Sum", "512345"),
        .init("Purpose", "Оплата ЖКУ за 02.2026, ЛС 1234567890"), .init("LastName", "Иванов"),
        .init("FirstName", "Иван"), .init("MiddleName", "Иванович"),
        .init("PayerAddress", "г. Примерск, ул. Ленина, д. 10, кв. 15"), .init("PersAcc", "1234567890"),
        .init("PaymPeriod", "022026"), .init("TechCode", "02"),
    ]

    @Test("vector 13: 467 bytes in UTF-8, 382 in CP1251")
    func sizes() throws {
        let utf8 = try PaymentQR(charset: .utf8, fields: Self.fields).encoded()
        #expect(utf8.count == 467)
        #expect(String(decoding: utf8.prefix(8), as: UTF8.self) == "ST00012|")
        let cp1251 = try PaymentQR(charset: .cp1251, fields: Self.fields).encoded()
        #expect(cp1251.count == 382)
        #expect(cp1251.prefix(7).elementsEqual("ST00011".utf8))
        #expect(try INN("7704123450").value == "7704123450")
    }

    @Test func roundTripsInBothCharsets() throws {
        for charset in [PaymentQR.Charset.utf8, .cp1251] {
            let parsed = try PaymentQR(parsing: PaymentQR(charset: charset, fields: Self.fields).encoded())
            #expect(parsed.charset == charset)
            #expect(parsed.fields == Self.fields)
            #expect(parsed.sum == Money(kopecks: 512_345))
            #expect(parsed["persacc"] == "1234567890")
        }
    }

    @Test("vector 14: parses a plain payload")
    func parsesVector14() throws {
        let text =
            "ST00012|Name=ООО «Три кита»|PersonalAcc=40702810138250123017|BankName=ОАО \"БАНК\"|BIC=044525225|CorrespAcc=30101810400000000225"
        let qr = try PaymentQR(parsing: Array(text.utf8))
        #expect(qr.charset == .utf8)
        #expect(qr["Name"] == "ООО «Три кита»")
        #expect(qr.fields.count == 5)
    }

    @Test func valueMayContainEqualsAndKeysAnyCase() throws {
        let text =
            "ST00012|Name=X|PersonalAcc=40702810138250123017|BankName==ОАО \"БАНК\"|BIC=044525225|CorrespAcc=1|persAcc=77|sum=null|"
        let qr = try PaymentQR(parsing: Array(text.utf8))
        #expect(qr["BankName"] == "=ОАО \"БАНК\"")
        #expect(qr["PersAcc"] == "77")
        #expect(qr["Sum"] == nil)
    }

    @Test func picksAnotherSeparatorWhenAValueHasABar() throws {
        var fields = Self.fields
        fields[8] = .init("Purpose", "ЖКУ | октябрь")
        let bytes = try PaymentQR(fields: fields).encoded()
        #expect(bytes[7] == UInt8(ascii: "#"))
        #expect(try PaymentQR(parsing: bytes)["Purpose"] == "ЖКУ | октябрь")
    }

    @Test("vector 19: the mandatory block at maximum lengths is 300 bytes")
    func mandatoryBlockLimit() throws {
        let fields: [PaymentQR.Field] = [
            .init("Name", String(repeating: "N", count: 160)), .init("PersonalAcc", String(repeating: "1", count: 20)),
            .init("BankName", String(repeating: "B", count: 45)), .init("BIC", "044525225"),
            .init("CorrespAcc", String(repeating: "3", count: 20)),
        ]
        let bytes = try PaymentQR(charset: .cp1251, fields: fields).encoded()
        #expect(bytes.count - 7 == 300)
        var tooLong = fields
        tooLong[2] = .init("BankName", String(repeating: "B", count: 46))
        #expect(throws: PaymentQRError.self) { try PaymentQR(fields: tooLong).encoded() }
    }

    @Test func refusesBadHeadersAndMissingFields() {
        #expect(throws: PaymentQRError.self) { try PaymentQR(parsing: Array("ST0002|Name=x".utf8)) }
        #expect(throws: PaymentQRError.self) { try PaymentQR(parsing: Array("ST00019|Name=x".utf8)) }
        #expect(throws: PaymentQRError.self) { try PaymentQR(parsing: Array("ST00012|Name=x|BIC=1".utf8)) }
        #expect(throws: PaymentQRError.self) { try PaymentQR(fields: [.init("BIC", "1")]).encoded() }
    }

    @Test func cp1251MatchesTheCodePage() {
        #expect(
            CP1251.encode("Привет, Ёж №1 «»") == [
                0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x2C, 0x20, 0xA8, 0xE6, 0x20, 0xB9, 0x31, 0x20, 0xAB, 0xBB,
            ])
        #expect(CP1251.decode([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]) == "Привет")
        #expect(CP1251.encode("漢") == nil)
        #expect(CP1251.decode([0x98]) == nil)
    }

    @Test func sha256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array(String(repeating: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", count: 3).utf8)
        var hasher = SHA256()
        hasher.update(long[0..<10])
        hasher.update(long[10...])
        #expect(hexString(hasher.finalize()) == SHA256.hex(long))
    }
}
