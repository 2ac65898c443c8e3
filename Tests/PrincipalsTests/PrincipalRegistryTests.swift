import Billing
import Core
import ERCTestSupport
import ExchangeConformance
import Principals
import Storage
import Testing

@Suite("The principals' registry and lifecycle")
struct PrincipalRegistryTests {
    let folder: TemporaryDirectory
    let connection: any Connection
    let registry: PrincipalRegistry

    init() throws {
        folder = try TemporaryDirectory("erc-registry")
        connection = try DatabaseLocation.sqlite(path: folder.file("erc.sqlite")).open()
        registry = PrincipalRegistry(connection: connection)
    }

    static func principal(inn: String = "7453007776") throws -> Principal {
        let bic = try BIC("047501602")
        return Principal(
            inn: try INN(inn), kpp: try KPP("745301001"), ogrn: try OGRN("1027400010000"), name: "ООО «Ручной ввод»",
            kind: .intercom,
            bankDetails: BankDetails(
                bankName: "ПАО СБЕРБАНК", bic: bic,
                correspondentAccount: try BankAccount(correspondent: "30101810700000000602", bic: bic),
                account: try BankAccount("40702810100000000777", bic: bic)),
            address: "г. Челябинск", phone: "+7 (351) 000-00-00", email: "a@b.example")
    }

    @Test func aPrincipalWithoutAgreementIsADraftUntilActivated() throws {
        try registry.add(
            Self.principal(), agreement: nil, services: [Service(code: "DOM", name: "Домофон", unit: "шт.")])
        #expect(try registry.list(asOf: CalendarDate(iso: "2026-10-01")!).map(\.status) == ["draft"])
        // A draft cannot be suspended; it can be activated.
        #expect(throws: RegistryError.self) {
            try registry.change(inn: "7453007776", to: .suspended, on: CalendarDate(iso: "2026-10-01")!, reason: nil)
        }
        try registry.change(
            inn: "7453007776", to: .active, on: CalendarDate(iso: "2026-10-01")!, reason: "договор подписан")
        try registry.change(inn: "7453007776", to: .suspended, on: CalendarDate(iso: "2026-11-01")!, reason: "спор")
        try registry.change(inn: "7453007776", to: .active, on: CalendarDate(iso: "2026-11-10")!, reason: nil)
        try registry.change(
            inn: "7453007776", to: .terminated, on: CalendarDate(iso: "2026-12-31")!, reason: "расторжение")
        do {
            try registry.change(inn: "7453007776", to: .active, on: CalendarDate(iso: "2027-01-10")!, reason: nil)
            Issue.record("a terminated principal was resumed")
        } catch let error as RegistryError {
            #expect(error.code == .transition)
            #expect(error.message.contains("is terminated"))
        }
        let details = try registry.show(inn: "7453007776")
        #expect(details.status == "terminated")
        #expect(details.history.map(\.status) == ["active", "suspended", "active", "terminated"])
        #expect(details.history.map(\.effectiveOn) == ["2026-10-01", "2026-11-01", "2026-11-10", "2026-12-31"])
    }

    @Test func addingWithAnAgreementActivatesAndTheFeeIsShown() throws {
        let agreement = AgencyAgreement(
            number: "АД-1", signedOn: CalendarDate(iso: "2026-09-01")!, effectiveFrom: CalendarDate(iso: "2026-10-01")!,
            fee: .perPayment(Money(kopecks: 1_500)), payoutSchedule: .weekly, payee: .own)
        try registry.add(Self.principal(), agreement: agreement, services: [])
        let listed = try #require(try registry.list(asOf: CalendarDate(iso: "2026-10-15")!).first)
        #expect(listed.status == "active")
        #expect(listed.fee == "15,00 руб. per payment")
        #expect(listed.payee == "own")
        // Before the agreement takes effect there is no fee in force.
        #expect(try registry.list(asOf: CalendarDate(iso: "2026-09-15")!).first?.fee == nil)
        #expect(throws: RegistryError.self) { try registry.add(Self.principal(), agreement: nil, services: []) }
    }

    @Test func suspendedAndTerminatedPrincipalsAreNotBilledButTheirDebtStays() throws {
        try ExchangeRoundTrip.importFixtures(connection)
        let period = BillingPeriod("2026-10")!
        let billed = try BillingRun(database: Database(connection.location), period: period, asOf: period.next.firstDay)
            .run()
        // 1 715,77 charged, 1 199,50 carried in, 21,45 recalculated down.
        #expect(billed.turnover.charged.kopecks == 171_577)
        #expect(billed.total.kopecks == 289_382)
        try registry.change(inn: "7453007776", to: .suspended, on: CalendarDate(iso: "2026-10-20")!, reason: nil)
        let suspended = try BillingRun(
            database: Database(connection.location), period: period, asOf: period.next.firstDay
        ).run()
        #expect(suspended.total == .zero)
        #expect(suspended.statements == 0)
        try registry.change(inn: "7453007776", to: .terminated, on: CalendarDate(iso: "2026-10-31")!, reason: nil)
        // The journal keeps what was charged: its debtors are still there to collect.
        var debtors = 0
        try PrincipalSettlements(connection: connection, inn: "7453007776").debtors(period: period) { _ in debtors += 1
        }
        #expect(debtors == 3)
    }

    @Test func aClosedPeriodIsNeitherBilledNorChargedAgain() throws {
        try ExchangeRoundTrip.importFixtures(connection)
        let lock = PeriodLock(connection: connection)
        let october = BillingPeriod("2026-10")!
        do {
            try lock.close(october)
            Issue.record("an unbilled period was closed")
        } catch let error as BillingError {
            #expect(error.code == .notBilled)
        }
        _ = try BillingRun(database: Database(connection.location), period: october, asOf: october.next.firstDay).run()
        try lock.close(october)
        #expect(try lock.isClosed(october))
        #expect(throws: BillingError.self) { try lock.close(october) }
        do {
            _ = try BillingRun(database: Database(connection.location), period: october, asOf: october.next.firstDay)
                .run()
            Issue.record("a closed period was billed again")
        } catch let error as BillingError {
            #expect(error.code == .periodClosed)
            #expect(error.message.contains("2026-11 as recalculations"))
        }
        // The statements of the closed period stay as they were.
        #expect(try connection.scalar("SELECT SUM(total) FROM statements WHERE period = '2026-10'") == 289_382)
    }

    @Test("the books balance per principal, and a corrupted posting is caught and named")
    func booksBalance() throws {
        try ExchangeRoundTrip.importFixtures(connection)
        try ExchangeRoundTrip.addReadingsAndPayments(connection)
        let ledger = ReceivablesLedger(database: Database(connection.location))
        let october = BillingPeriod("2026-10")!
        let line = try #require(try ledger.turnover(period: october)["7453007776"])
        #expect(line.opening.kopecks == 119_950)
        #expect(line.charged.kopecks == 171_577)
        #expect(line.recalculated.kopecks == -2_145)
        #expect(line.paid.kopecks == 126_156)
        #expect(line.closing.kopecks == 119_950 + 171_577 - 2_145 - 126_156)
        #expect(try ledger.check(period: october).isEmpty)
        // Per account, the sums add up to the principal's.
        let accounts = try ledger.turnover(period: october, by: .account)
        #expect(accounts.values.reduce(Money.zero) { $0 + $1.closing } == line.closing)
        // A posting of no known kind breaks the balance, and the check names where.
        let principal = try connection.scalar("SELECT id FROM principals")
        try connection.execute(
            """
            INSERT INTO postings (account_number, principal_id, service_code, period, kind, amount, counts_from)
            VALUES ('7400000002', ?, 'CW', '2026-10', 'mystery', 1234, '2026-10-31')
            """, [principal])
        let imbalances = try ledger.check(period: october)
        #expect(imbalances.map(\.key) == ["7453007776"])
        #expect(imbalances.first.map { ($0.actual - $0.expected).kopecks } == 1_234)
    }

    @Test("fees: basis points rounded once, or a sum per payment")
    func fees() {
        #expect(
            AgencyAgreement.Fee.basisPoints(150).fee(collected: Money(kopecks: 115_012), payments: 2).kopecks == 1_725)
        // 2.5 kopecks round to 3.
        #expect(AgencyAgreement.Fee.basisPoints(125).fee(collected: Money(kopecks: 200), payments: 1).kopecks == 3)
        #expect(
            AgencyAgreement.Fee.perPayment(Money(kopecks: 1_500)).fee(collected: Money(kopecks: 1), payments: 3).kopecks
                == 4_500)
        #expect(AgencyAgreement.Fee.basisPoints(150).description == "1,50 % of money collected")
    }
}
