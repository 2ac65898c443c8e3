import Core

/// A principal's service on a premises: the unit of a statement line and of the ledger.
public struct ServiceKey: Sendable, Hashable, Comparable {
    public var principalId: Int64
    public var service: String

    public init(principalId: Int64, service: String) {
        self.principalId = principalId
        self.service = service
    }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.principalId, lhs.service) < (rhs.principalId, rhs.service)
    }
}

/// What a billing run knows of every principal and tariff, read once per run.
struct BillingContext: Sendable {
    struct PrincipalInfo: Sendable {
        var inn: String
        var isActive: Bool
        var penaltyScale: PenaltyCalculator.Scale
        /// Days of grace before penalties, when its file sets them (else the rates').
        var graceDays: Int? = nil
        /// A management organisation: it charges СОИ of the houses it manages.
        var isManagement = false
    }

    var period: BillingPeriod
    var asOf: CalendarDate
    var principals: [Int64: PrincipalInfo]
    var tariffs: [ServiceKey: [Tariff]]
    var penaltyRules: PenaltyRules
    /// What each service supplies, where a service says (water volumes add up to sewerage's).
    var resources: [ServiceKey: Service.Resource] = [:]
    /// The services' own due days, where their principals' files set one.
    var paymentDueDays: [ServiceKey: Int] = [:]
    /// Set when the rates changed since the previous period was billed.
    var penaltyRecalculation: PenaltyRecalculation?
    /// The houses with common-property data, by code (read after the house pass).
    var houses: [String: HouseCommon] = [:]

    /// The penalties posted as of the previous period's run (`asOf`), recalculated from the
    /// rates it used (`rules`) to the rates now, for `reason`.
    struct PenaltyRecalculation: Sendable {
        var rules: PenaltyRules
        var asOf: CalendarDate
        var reason: String
    }
}

/// Everything the run reads about one premises.
struct PremisesInputs: Sendable {
    struct Calculated: Sendable {
        var calculation: Service.Calculation
        var normMilli: Int64?
        var resource: Service.Resource?
    }

    struct PrivilegeTerms: Sendable {
        var category: String
        var residents: Int
        var percent: Int
        var areaNormCenti: Int64?
        var fixedAmount: Money?
        var from: CalendarDate
        var until: CalendarDate?
    }

    var account: String
    var houseCode = ""
    var areaCenti: Int64 = 0
    var residents = 0
    var calculated: [ServiceKey: Calculated] = [:]
    var meters: [ServiceKey: [MeterHistory]] = [:]
    var privileges: [ServiceKey: [PrivilegeTerms]] = [:]
    var entries: [ServiceKey: [JournalEntry]] = [:]
}

/// A posting the run adds: the difference between what a line should hold and what the run's
/// earlier postings hold for it.
struct RunPosting: Sendable, Hashable {
    var key: ServiceKey
    var kind: JournalEntry.Kind
    var amount: Money
    var volumeMilli: Int64
    var tariff: Money
    var note: String?
    /// For a recalculation of penalties: the period whose penalties it recalculates.
    var forPeriod: BillingPeriod?
    /// For a charge: why it was billed as it was (not posted; the statement line says it).
    var explanation: String?

    /// What a run posts for a line, each summed and compared on its own: the four kinds, and
    /// penalties recalculated when the rates change apart from the month's accrual.
    enum Slot: Hashable, CaseIterable {
        case charge, recalculation, privilege, penalty, penaltyRecalculation

        var kind: JournalEntry.Kind {
            switch self {
            case .charge: .charge
            case .recalculation: .recalculation
            case .privilege: .privilege
            case .penalty, .penaltyRecalculation: .penalty
            }
        }

        /// The slot of a run's posting: a penalty naming a period recalculates that period's.
        init?(_ entry: JournalEntry) {
            switch entry.kind {
            case .charge: self = .charge
            case .recalculation: self = .recalculation
            case .privilege: self = .privilege
            case .penalty: self = entry.forPeriod == nil ? .penalty : .penaltyRecalculation
            case .opening, .payment: return nil
            }
        }
    }
}

/// One line of a statement: a principal's service on the premises, with its whole balance.
struct StatementLine: Sendable, Hashable {
    var key: ServiceKey
    var inn: String
    var volumeMilli: Int64 = 0
    var tariff = Money.zero
    var method = "supplied"
    /// Why the line was billed by its method, when not by readings or a supplied charge.
    var methodNote: String?
    /// Each privilege the line gave, with its terms and sum ("кат. VETERAN: 50 % на 1 из 3 чел. 123,45").
    var privilegeNote: String?
    var opening = Money.zero
    var charged = Money.zero
    var recalculated = Money.zero
    /// Positive: the discount given.
    var privileges = Money.zero
    var penalties = Money.zero
    /// Positive: the money received in the period.
    var paid = Money.zero
    var closing = Money.zero

    var turnover: Turnover {
        var turnover = Turnover()
        turnover.opening = opening
        turnover.charged = charged
        turnover.recalculated = recalculated
        turnover.privileges = privileges
        turnover.penalties = penalties
        turnover.paid = paid
        turnover.closing = closing
        return turnover
    }

    var isEmpty: Bool {
        [opening, charged, recalculated, privileges, penalties, paid, closing].allSatisfy { $0 == .zero }
            && volumeMilli == 0
    }
}

/// The bill of one premises for a period: the postings to add and the statement lines.
struct PremisesBill: Sendable {
    var postings: [RunPosting] = []
    var lines: [StatementLine] = []
    /// The volumes of the period per resource the premises was billed or supplied for itself
    /// (not for the common property): what its house's volumes add up.
    var individual: [Service.Resource: Int64] = [:]
    /// The period's СОИ volumes per resource charged to the premises.
    var common: [Service.Resource: Int64] = [:]

    init(_ inputs: PremisesInputs, context: BillingContext) {
        let period = context.period
        let keys = Set(inputs.calculated.keys).union(inputs.entries.keys).sorted()
        // What every service should hold, water first: sewerage billed by the water volumes
        // (`water-sum`) adds up what the water services were billed or supplied for the period.
        var proposals: [ServiceKey: [RunPosting.Slot: RunPosting]] = [:]
        var water: (charge: Int64, recalculation: Int64) = (0, 0)
        for key in keys where inputs.calculated[key]?.calculation != .waterSum {
            guard let principal = context.principals[key.principalId], principal.isActive else { continue }
            let entries = inputs.entries[key] ?? []
            let proposal = Self.propose(key, inputs, entries, principal, context, water: water)
            proposals[key] = proposal
            // Sewerage adds up the premises' own water, not the water of the common property.
            guard context.resources[key]?.isWater == true, inputs.calculated[key]?.calculation != .commonProperty
            else { continue }
            if inputs.calculated[key] != nil {
                water.charge += proposal[.charge]?.volumeMilli ?? 0
                water.recalculation += proposal[.recalculation]?.volumeMilli ?? 0
            } else {
                water.charge += entries.filter { $0.runId == nil && $0.kind == .charge && $0.period == period }
                    .reduce(Int64(0)) { $0 + $1.volumeMilli }
            }
        }
        for key in keys where inputs.calculated[key]?.calculation == .waterSum {
            guard let principal = context.principals[key.principalId], principal.isActive else { continue }
            proposals[key] = Self.propose(key, inputs, inputs.entries[key] ?? [], principal, context, water: water)
        }
        for key in keys {
            guard let resource = context.resources[key] else { continue }
            if inputs.calculated[key]?.calculation == .commonProperty {
                common[resource, default: 0] += proposals[key]?[.charge]?.volumeMilli ?? 0
            } else if inputs.calculated[key] != nil {
                let proposal = proposals[key] ?? [:]
                individual[resource, default: 0] +=
                    (proposal[.charge]?.volumeMilli ?? 0) + (proposal[.recalculation]?.volumeMilli ?? 0)
            } else {
                individual[resource, default: 0] += (inputs.entries[key] ?? []).filter {
                    $0.runId == nil && $0.kind == .charge && $0.period == period
                }.reduce(Int64(0)) { $0 + $1.volumeMilli }
            }
        }
        for key in keys {
            guard let principal = context.principals[key.principalId] else { continue }
            let entries = inputs.entries[key] ?? []
            let proposed = proposals[key] ?? [:]
            // Only the difference from what earlier runs posted for the period is posted.
            var held: [RunPosting.Slot: (amount: Money, volume: Int64, forPeriod: BillingPeriod?, note: String?)] = [:]
            for entry in entries where entry.runId != nil && entry.period == period {
                guard let slot = RunPosting.Slot(entry) else { continue }
                let sum = held[slot] ?? (.zero, 0, nil, nil)
                held[slot] = (
                    sum.amount + entry.amount, sum.volume + entry.volumeMilli, entry.forPeriod, entry.note ?? sum.note
                )
            }
            var added: [JournalEntry] = []
            for slot in RunPosting.Slot.allCases {
                let have = held[slot] ?? (.zero, 0, nil, nil)
                // A recalculation of penalties undone (the rates came back) is reversed under its
                // own reason, so that the two cancel on the document too.
                let want =
                    proposed[slot]
                    ?? RunPosting(
                        key: key, kind: slot.kind, amount: .zero, volumeMilli: 0, tariff: .zero,
                        note: slot == .penaltyRecalculation ? have.note : nil, forPeriod: have.forPeriod)
                guard want.amount != have.amount || want.volumeMilli != have.volume else { continue }
                var difference = want
                difference.amount = want.amount - have.amount
                difference.volumeMilli = want.volumeMilli - have.volume
                postings.append(difference)
                added.append(
                    JournalEntry(
                        kind: slot.kind, period: period, amount: difference.amount,
                        volumeMilli: difference.volumeMilli, day: period.firstDay, forPeriod: difference.forPeriod,
                        note: difference.note, runId: 0))
            }
            guard principal.isActive else { continue }
            var line = StatementLine(key: key, inn: principal.inn)
            line.method = proposed[.charge]?.note ?? "supplied"
            line.methodNote = proposed[.charge]?.explanation
            line.privilegeNote = proposed[.privilege]?.explanation
            if let tariff = proposed[.charge]?.tariff { line.tariff = tariff }
            for entry in entries + added {
                line.closing += entry.amount
                if entry.period < period || entry.kind == .opening {
                    line.opening += entry.amount
                    continue
                }
                switch entry.kind {
                case .charge:
                    line.charged += entry.amount
                    line.volumeMilli += entry.volumeMilli
                case .recalculation: line.recalculated += entry.amount
                case .privilege: line.privileges -= entry.amount
                case .penalty: line.penalties += entry.amount
                case .payment: line.paid -= entry.amount
                case .opening: break
                }
            }
            if line.tariff == .zero, line.volumeMilli != 0 {
                // A supplied charge: the tariff the principal applied.
                line.tariff =
                    entries.filter { $0.kind == .charge && $0.period == period }.compactMap(\.tariff).max() ?? .zero
            }
            if !line.isEmpty { lines.append(line) }
        }
        lines.sort { ($0.inn, $0.key.service) < ($1.inn, $1.key.service) }
    }

    /// What the run's own postings for the period should add up to, per kind.
    private static func propose(
        _ key: ServiceKey, _ inputs: PremisesInputs, _ entries: [JournalEntry],
        _ principal: BillingContext.PrincipalInfo,
        _ context: BillingContext, water: (charge: Int64, recalculation: Int64)
    ) -> [RunPosting.Slot: RunPosting] {
        let period = context.period
        var proposed: [RunPosting.Slot: RunPosting] = [:]
        let tariffs = context.tariffs[key] ?? []
        func amount(_ volume: Int64) -> Money {
            (try? ChargeCalculator.amount(volumeMilli: volume, tariffs: tariffs, period: period)) ?? .zero
        }
        let tariff = tariffs.last { $0.effectiveFrom <= period.lastDay }?.unitPrice ?? .zero
        var charge = Money.zero
        if let rule = inputs.calculated[key], !tariffs.isEmpty {
            var volume: Int64 = 0
            var note = rule.calculation.rawValue
            var explanation: String?
            var recalculation: Int64 = 0
            var recalculated: (amount: Money, note: String)?
            switch rule.calculation {
            case .supplied: break
            case .perArea: volume = ChargeCalculator.areaVolume(areaCenti: inputs.areaCenti)
            case .fixed: volume = ChargeCalculator.fixedVolume
            case .perResident:
                volume = ChargeCalculator.normVolume(normMilli: rule.normMilli ?? 0, residents: inputs.residents)
            case .waterSum:
                volume = max(water.charge, 0)
                recalculation = min(water.recalculation, 0)
            case .commonProperty:
                // Charged by the house's managing organisation, or under direct management by
                // the resource's supplier; nothing for a house without the resource's norm.
                guard let house = context.houses[inputs.houseCode], let resource = rule.resource,
                    let norm = house.data.normsMicro[resource],
                    house.isCharged(by: key.principalId, isManagement: principal.isManagement)
                else { break }
                let month = CommonPropertyShare.month(
                    house: house, resource: resource, normMicro: norm, areaCenti: inputs.areaCenti)
                volume = month.volumeMilli
                note = month.method
                explanation = month.explanation
                if let part = CommonPropertyShare.recalculation(
                    house: house, resource: resource, areaCenti: inputs.areaCenti, entries: entries, period: period)
                {
                    recalculation = part.volumeMilli
                    recalculated = (part.amount, part.note)
                }
            case .metered:
                let billed = entries.filter { $0.runId != nil && ($0.kind == .charge || $0.kind == .recalculation) }
                let firstBilled = billed.map(\.period).min() ?? period
                let before = billed.filter { $0.period < period }.reduce(Int64(0)) { $0 + $1.volumeMilli }
                var total: Int64 = 0
                let meters = inputs.meters[key] ?? []
                for meter in meters {
                    let result = MeteredVolume.cumulative(
                        meter, firstBilled: firstBilled, through: period, normMilli: rule.normMilli,
                        residents: inputs.residents, increasingFactor: rule.resource?.isWater ?? false)
                    total += result.volumeMilli
                    note = result.method
                    explanation = result.explanation
                }
                if meters.isEmpty {
                    // No meter of this service. A premises metered by another service of the
                    // principal (a two-zone meter's registers ELD/ELN instead of EL) owes nothing
                    // here; one without any of its meters pays the norm (the multiplier of p. 42
                    // is not applied). A service without a norm (a zone) is billed by meter only.
                    let meteredOtherwise = inputs.meters.keys.contains { $0.principalId == key.principalId }
                    total = before + (meteredOtherwise ? 0 : (rule.normMilli ?? 0) * Int64(inputs.residents))
                    note = "norm"
                    if !meteredOtherwise { explanation = "прибора учёта нет" }
                }
                let delta = total - before
                volume = max(delta, 0)
                recalculation = min(delta, 0)
            }
            charge = amount(volume)
            if volume != 0 || charge != .zero {
                proposed[.charge] = RunPosting(
                    key: key, kind: .charge, amount: charge, volumeMilli: volume, tariff: tariff, note: note,
                    explanation: explanation)
            }
            if let recalculated {
                proposed[.recalculation] = RunPosting(
                    key: key, kind: .recalculation, amount: recalculated.amount, volumeMilli: recalculation,
                    tariff: tariff, note: recalculated.note)
            } else if recalculation != 0 {
                proposed[.recalculation] = RunPosting(
                    key: key, kind: .recalculation, amount: amount(recalculation), volumeMilli: recalculation,
                    tariff: tariff, note: "по показаниям прибора учёта")
            }
        }
        // Privileges on the whole charge of the period, supplied or calculated; a supplied charge
        // as corrected by a file that replaced its own (a recalculation of the period itself).
        let supplied = entries.filter {
            $0.runId == nil && $0.period == period
                && ($0.kind == .charge || ($0.kind == .recalculation && $0.forPeriod == period))
        }.reduce(Money.zero) { $0 + $1.amount }
        // Each privilege on its own, in the order of their categories, never more than what the
        // ones before left of the charge: together they never take more than the charge.
        var privilege = Money.zero
        var said: [String] = []
        for terms in (inputs.privileges[key] ?? []).sorted(by: { ($0.category, $0.from) < ($1.category, $1.from) })
        where terms.from <= period.lastDay && (terms.until ?? period.firstDay) >= period.firstDay {
            let base = supplied + charge
            let raw: Money
            let how: String
            if let fixed = terms.fixedAmount {
                raw = -fixed
                how = "\(fixed.formatted()) в месяц"
            } else if let norm = terms.areaNormCenti {
                raw = ChargeCalculator.privilege(
                    charge: base, areaNormCenti: norm, areaCenti: inputs.areaCenti, percent: terms.percent)
                how =
                    "\(terms.percent) % в пределах соц. нормы \(Money(kopecks: norm).formatted()) м² из "
                    + "\(Money(kopecks: inputs.areaCenti).formatted()) м²"
            } else {
                raw = ChargeCalculator.privilege(
                    charge: base, entitledResidents: terms.residents, residents: inputs.residents,
                    percent: terms.percent)
                how = "\(terms.percent) % на \(min(terms.residents, inputs.residents)) из \(inputs.residents) чел."
            }
            let amount = -min(max(-raw, .zero), max(base + privilege, .zero))
            guard amount != .zero else { continue }
            privilege += amount
            said.append("кат. \(terms.category): \(how) \((-amount).formatted())")
        }
        if privilege != .zero {
            proposed[.privilege] = RunPosting(
                key: key, kind: .privilege, amount: privilege, volumeMilli: 0, tariff: .zero,
                explanation: said.joined(separator: "; "))
        }
        // Penalties accrued as of the run's day, less those posted in earlier periods and less the
        // recalculation of those when the rates changed: the month's own accrual.
        let withoutOwnPenalties = entries.filter { !($0.kind == .penalty && $0.period == period && $0.runId != nil) }
        let slices = DebtSlices(withoutOwnPenalties, through: context.asOf)
        let calculator = PenaltyCalculator(
            rules: context.penaltyRules, scale: principal.penaltyScale, graceDays: principal.graceDays,
            dueDay: context.paymentDueDays[key])
        let posted = entries.filter { $0.kind == .penalty && $0.period < period }.reduce(Money.zero) { $0 + $1.amount }
        var recalculated = Money.zero
        if let change = context.penaltyRecalculation {
            // The previous period's penalties as of its run's day, under the rates it used and
            // under the rates now, on the same debts and payments: the difference is the rates'.
            let earlier = DebtSlices(withoutOwnPenalties.filter { $0.period < period }, through: change.asOf)
            let old = PenaltyCalculator(
                rules: change.rules, scale: principal.penaltyScale, graceDays: principal.graceDays,
                dueDay: context.paymentDueDays[key])
            recalculated =
                earlier.accruedPenalty(before: period.previous, asOf: change.asOf, calculator: calculator)
                - earlier.accruedPenalty(before: period.previous, asOf: change.asOf, calculator: old)
            if recalculated != .zero {
                proposed[.penaltyRecalculation] = RunPosting(
                    key: key, kind: .penalty, amount: recalculated, volumeMilli: 0, tariff: .zero,
                    note: change.reason, forPeriod: period.previous)
            }
        }
        let penalty =
            slices.accruedPenalty(before: period, asOf: context.asOf, calculator: calculator) - posted - recalculated
        if penalty != .zero {
            proposed[.penalty] = RunPosting(key: key, kind: .penalty, amount: penalty, volumeMilli: 0, tariff: .zero)
        }
        return proposed
    }
}
