import Core
import Storage
import Testing

@testable import Billing

/// Properties of one premises' bill over random journals: each line balances, the statement is
/// the journal's balance, and billing again after posting the run's differences adds nothing.
@Suite("The bill of one premises")
struct PremisesBillTests {
    let period = BillingPeriod("2026-10")!

    func context(_ random: inout SeededRandom) -> BillingContext {
        var principals: [Int64: BillingContext.PrincipalInfo] = [:]
        var tariffs: [ServiceKey: [Tariff]] = [:]
        for id in Int64(1)...4 {
            principals[id] = .init(
                inn: "74510000\(id)0", isActive: id != 4, penaltyScale: id == 3 ? .capitalRepair : .housingAndUtilities)
            for service in ["A", "B"] {
                tariffs[ServiceKey(principalId: id, service: service)] = [
                    Tariff(
                        serviceCode: service, effectiveFrom: CalendarDate(iso: "2025-01-01")!,
                        price: Money(kopecks: Int64(random.int(100...9_000)))),
                    Tariff(
                        serviceCode: service, effectiveFrom: CalendarDate(iso: "2026-10-\(10 + random.int(0...15))")!,
                        price: Money(kopecks: Int64(random.int(100...9_000)))),
                ]
            }
        }
        var context = BillingContext(
            period: period, asOf: CalendarDate(iso: "2026-11-01")!, principals: principals, tariffs: tariffs,
            penaltyRules: PenaltyRules(rows: Schema.shippedRates))
        // Half the journals are billed after a change of the rates: a lower cap from June 2026.
        if random.int(0...1) == 1 {
            context.penaltyRecalculation = .init(
                rules: PenaltyRules(
                    rows: Schema.shippedRates + [
                        RateRow(
                            kind: .rateCap, from: CalendarDate(iso: "2026-06-01")!,
                            through: CalendarDate(iso: "2026-12-31")!, value: 700, basis: "test")
                    ]),
                asOf: CalendarDate(iso: "2026-10-01")!, reason: "test")
        }
        return context
    }

    func inputs(_ random: inout SeededRandom) -> PremisesInputs {
        var inputs = PremisesInputs(account: "0100000001")
        inputs.areaCenti = Int64(random.int(2_000...12_000))
        inputs.residents = random.int(1...6)
        let calculations: [Service.Calculation] = [.metered, .perResident, .perArea, .fixed, .supplied]
        for id in Int64(1)...4 {
            for service in ["A", "B"] {
                let key = ServiceKey(principalId: id, service: service)
                let calculation = random.pick(calculations)
                if calculation != .supplied {
                    inputs.calculated[key] = .init(calculation: calculation, normMilli: Int64(random.int(500...5_000)))
                }
                if calculation == .metered, random.int(0...3) > 0 {
                    var value = Int64(random.int(0...90_000))
                    var readings: [MeterHistory.Reading] = []
                    var month = BillingPeriod("2026-02")!
                    while month <= period {
                        value += Int64(random.int(0...9_000))
                        if random.int(0...4) > 0 {
                            readings.append(
                                .init(
                                    period: month, valueMilli: value % 100_000_000,
                                    takenOn: CalendarDate(year: month.year, month: month.month, day: 20)!))
                        }
                        month = month.next
                    }
                    inputs.meters[key] = [
                        MeterHistory(
                            digits: 5, initialMilli: 0, installedOn: CalendarDate(iso: "2025-12-01")!,
                            verifiedUntil: CalendarDate(iso: random.int(0...5) == 0 ? "2026-05-01" : "2031-01-01")!,
                            readings: readings)
                    ]
                }
                if random.int(0...4) == 0 {
                    // A percent of the residents' share, within a social norm of area, or a fixed sum.
                    let kind = random.int(0...2)
                    inputs.privileges[key] = [
                        .init(
                            category: "C\(kind)", residents: 1, percent: kind == 2 ? 0 : random.int(1...100),
                            areaNormCenti: kind == 1 ? Int64(random.int(1_000...8_000)) : nil,
                            fixedAmount: kind == 2 ? Money(kopecks: Int64(random.int(1...90_000))) : nil,
                            from: CalendarDate(iso: "2026-01-01")!)
                    ]
                }
                var entries: [JournalEntry] = []
                for _ in 0..<random.int(0...6) {
                    let kinds: [JournalEntry.Kind] = [.opening, .charge, .recalculation, .payment]
                    let kind = random.pick(kinds)
                    let month = BillingPeriod(year: 2026, month: random.int(5...10))!
                    let amount = Int64(random.int(1...400_000))
                    entries.append(
                        JournalEntry(
                            kind: kind, period: kind == .opening ? period : month,
                            amount: Money(kopecks: kind == .payment ? -amount : amount),
                            volumeMilli: kind == .charge ? Int64(random.int(0...9_000)) : 0,
                            day: CalendarDate(year: month.year, month: month.month, day: random.int(1...28))!,
                            forPeriod: kind == .opening ? BillingPeriod(year: 2026, month: random.int(3...9)) : nil,
                            note: kind == .payment ? "advance" : nil))
                }
                if !entries.isEmpty { inputs.entries[key] = entries }
            }
        }
        return inputs
    }

    @Test(arguments: 0..<200)
    func linesBalanceAndASecondRunAddsNothing(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 7_919)
        let context = context(&random)
        var inputs = inputs(&random)
        let first = PremisesBill(inputs, context: context)
        for line in first.lines {
            #expect(
                line.closing == line.opening + line.charged + line.recalculated - line.privileges + line.penalties
                    - line.paid)
        }
        // The statement is the journal's balance of the active principals, postings included.
        let active = inputs.entries.filter { context.principals[$0.key.principalId]!.isActive }
        let journal = active.values.flatMap { $0 }.reduce(Money.zero) { $0 + $1.amount }
        let posted = first.postings.filter { context.principals[$0.key.principalId]!.isActive }.reduce(Money.zero) {
            $0 + $1.amount
        }
        #expect(first.lines.reduce(Money.zero) { $0 + $1.closing } == journal + posted)
        // Post the run's differences, bill again: nothing more to post, the same lines.
        for posting in first.postings {
            inputs.entries[posting.key, default: []].append(
                JournalEntry(
                    kind: posting.kind, period: period, amount: posting.amount, volumeMilli: posting.volumeMilli,
                    tariff: posting.tariff, day: period.firstDay, forPeriod: posting.forPeriod, note: posting.note,
                    runId: 1))
        }
        let second = PremisesBill(inputs, context: context)
        #expect(second.postings.isEmpty)
        #expect(second.lines == first.lines)
    }

    @Test(
        "privileges of one line, each on its own: a percent of the residents' share, within a social norm of area, a fixed sum never more than what is left"
    )
    func privilegesOfEachKind() {
        let key = ServiceKey(principalId: 1, service: "A")
        var inputs = PremisesInputs(account: "0100000001")
        inputs.areaCenti = 6_612
        inputs.residents = 3
        inputs.calculated[key] = .init(calculation: .perArea)
        let context = BillingContext(
            period: period, asOf: CalendarDate(iso: "2026-11-01")!,
            principals: [1: .init(inn: "7451000010", isActive: true, penaltyScale: .housingAndUtilities)],
            tariffs: [
                key: [
                    Tariff(
                        serviceCode: "A", effectiveFrom: CalendarDate(iso: "2025-01-01")!, price: Money(kopecks: 1_345))
                ]
            ],
            penaltyRules: PenaltyRules(rows: Schema.shippedRates))
        let from = CalendarDate(iso: "2026-01-01")!
        inputs.privileges[key] = [
            .init(category: "AREA", residents: 1, percent: 50, areaNormCenti: 3_300, from: from),
            .init(category: "SHARE", residents: 1, percent: 30, from: from),
            .init(category: "ZFIXED", residents: 1, percent: 0, fixedAmount: Money(kopecks: 100_000), from: from),
        ]
        let bill = PremisesBill(inputs, context: context)
        let line = bill.lines[0]
        // 66,12 m² x 13,45 = 889,31; 50 % of 33/66,12 of it 221,92; 30 % of 1 resident's third 88,93; the
        // fixed 1 000,00 takes only the 578,46 left.
        #expect(line.charged == Money(kopecks: 88_931))
        #expect(line.privileges == Money(kopecks: 88_931))
        #expect(
            line.privilegeNote
                == "кат. AREA: 50 % в пределах соц. нормы 33,00 м² из 66,12 м² 221,92; кат. SHARE: 30 % на 1 из 3 чел. 88,93; "
                + "кат. ZFIXED: 1 000,00 в месяц 578,46")
        // Two privileges of 100 % and 50 %: together never more than the charge.
        inputs.privileges[key] = [
            .init(category: "A", residents: 3, percent: 100, from: from),
            .init(category: "B", residents: 3, percent: 50, from: from),
        ]
        let capped = PremisesBill(inputs, context: context).lines[0]
        #expect(capped.privileges == capped.charged && capped.closing == .zero)
        // A premises within the norm: the percent of the whole charge.
        inputs.privileges[key] = [.init(category: "AREA", residents: 1, percent: 50, areaNormCenti: 9_000, from: from)]
        #expect(PremisesBill(inputs, context: context).lines[0].privileges == Money(kopecks: 44_466))
    }

    @Test func anInactivePrincipalIsNotBilledAndItsRunPostingsAreReversed() {
        var random = SeededRandom(seed: 3)
        var context = context(&random)
        var inputs = PremisesInputs(account: "0100000001")
        inputs.residents = 2
        let key = ServiceKey(principalId: 1, service: "A")
        inputs.calculated[key] = .init(calculation: .fixed, normMilli: nil)
        let billed = PremisesBill(inputs, context: context)
        #expect(billed.postings.map(\.kind) == [.charge])
        inputs.entries[key] = billed.postings.map {
            JournalEntry(
                kind: $0.kind, period: period, amount: $0.amount, volumeMilli: $0.volumeMilli, day: period.firstDay,
                runId: 1)
        }
        context.principals[1]!.isActive = false
        let suspended = PremisesBill(inputs, context: context)
        #expect(suspended.lines.isEmpty)
        #expect(suspended.postings.map(\.amount) == billed.postings.map { -$0.amount })
    }

    @Test("sewerage billed by the water volumes adds up cold water calculated and hot water supplied")
    func sewerageIsTheSumOfTheWaterVolumes() {
        let cold = ServiceKey(principalId: 1, service: "CW")
        let sewer = ServiceKey(principalId: 1, service: "SEW")
        let hot = ServiceKey(principalId: 2, service: "HW")
        let from = CalendarDate(iso: "2025-01-01")!
        var context = BillingContext(
            period: period, asOf: CalendarDate(iso: "2026-11-01")!,
            principals: [
                1: .init(inn: "7451000006", isActive: true, penaltyScale: .housingAndUtilities),
                2: .init(inn: "7451000373", isActive: true, penaltyScale: .housingAndUtilities),
            ],
            tariffs: [
                cold: [Tariff(serviceCode: "CW", effectiveFrom: from, price: Money(kopecks: 4_289))],
                sewer: [Tariff(serviceCode: "SEW", effectiveFrom: from, price: Money(kopecks: 3_184))],
            ],
            penaltyRules: PenaltyRules(rows: Schema.shippedRates))
        context.resources = [cold: .coldWater, hot: .hotWater, sewer: .sewerage]
        var inputs = PremisesInputs(account: "0100000001")
        inputs.residents = 3
        inputs.calculated[cold] = .init(calculation: .perResident, normMilli: 4_000, resource: .coldWater)
        inputs.calculated[sewer] = .init(calculation: .waterSum, normMilli: nil, resource: .sewerage)
        // Hot water comes ready-made from the heat utility's file: 5.250 m³.
        inputs.entries[hot] = [
            JournalEntry(
                kind: .charge, period: period, amount: Money(kopecks: 117_290), volumeMilli: 5_250,
                day: period.firstDay)
        ]
        let bill = PremisesBill(inputs, context: context)
        // 3 residents x 4 m³ of cold water + 5.25 m³ of hot = 17.25 m³ of sewerage at 31,84: 549,24.
        let charge = bill.postings.first { $0.key == sewer && $0.kind == .charge }
        #expect(charge?.volumeMilli == 17_250)
        #expect(charge?.amount == Money(kopecks: 54_924))
        #expect(bill.lines.first { $0.key == sewer }?.method == "water-sum")
    }
}
