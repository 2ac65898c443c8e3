import Core
import Principals
import Storage

/// Reads what a billing run needs: once per run the principals and tariffs, and per batch of
/// premises (a range of accounts) their areas, calculated services, meters with readings,
/// privileges and journal, each in one query.
struct BatchReader {
    let connection: any Connection

    func context(period: BillingPeriod, asOf: CalendarDate, ratesRevision: Int64) throws -> BillingContext {
        var principals: [Int64: BillingContext.PrincipalInfo] = [:]
        // The status each principal had in the period billed, not today's.
        let activeInPeriod = try PrincipalLifecycle(connection: connection).activeIn(period)
        try connection.query("SELECT id, inn, status, kind, grace_days FROM principals") { row in
            let id = try row.int64(0)
            principals[id] = BillingContext.PrincipalInfo(
                inn: try row.string(1),
                isActive: try activeInPeriod[id] ?? (row.string(2) == PrincipalStatus.active.rawValue),
                penaltyScale: try row.string(3) == Principal.Kind.capitalRepair.rawValue
                    ? .capitalRepair : .housingAndUtilities,
                graceDays: try row.optionalInt64(4).map { Int($0) },
                isManagement: try row.string(3) == Principal.Kind.management.rawValue)
        }
        var tariffs: [ServiceKey: [Tariff]] = [:]
        try connection.query(
            """
            SELECT principal_id, service_code, effective_from, price, component_price, component_factor_micro FROM tariffs
            ORDER BY principal_id, service_code, effective_from
            """
        ) { row in
            var component: Tariff.Component?
            if let price = try row.optionalInt64(4), let factor = try row.optionalInt64(5) {
                component = Tariff.Component(price: Money(kopecks: price), factorMicro: factor)
            }
            let service = try row.string(1)
            tariffs[ServiceKey(principalId: try row.int64(0), service: service), default: []].append(
                Tariff(
                    serviceCode: service, effectiveFrom: try row.date(2), price: try row.money(3), component: component)
            )
        }
        var resources: [ServiceKey: Service.Resource] = [:]
        try connection.query("SELECT principal_id, code, resource FROM services WHERE resource IS NOT NULL") { row in
            if let resource = Service.Resource(rawValue: try row.string(2)) {
                resources[ServiceKey(principalId: try row.int64(0), service: try row.string(1))] = resource
            }
        }
        let rates = RatesBook(connection: connection)
        var context = BillingContext(
            period: period, asOf: asOf, principals: principals, tariffs: tariffs,
            penaltyRules: PenaltyRules(rows: try rates.rows(revision: ratesRevision)), resources: resources,
            paymentDueDays: try ReceivablesLedger.paymentDueDays(on: connection))
        // The rates the previous period's statements were billed with: when they changed since,
        // the penalties posted as of that run's day are recalculated under the rates now.
        if let last = try connection.first(
            """
            SELECT as_of, rates_revision FROM billing_runs
            WHERE period = ? AND status = 'finished' AND rates_revision IS NOT NULL ORDER BY id DESC
            """, [period.previous]),
            let old = try last.optionalInt64(1), old != ratesRevision
        {
            let reason = try rates.changes(since: old)
            if !reason.isEmpty {
                let day = try last.date(0)
                let before = PenaltyRules(rows: try rates.rows(revision: old))
                // The rate the change gave unpaid debt on that day (the cap may hide a key rate's).
                let (was, now) = (before.rate(on: day), context.penaltyRules.rate(on: day))
                let effect =
                    was == now
                    ? ""
                    : "; ставка для пени на \(day.russian) была \(RateRow.percent(was)), стала \(RateRow.percent(now))"
                context.penaltyRecalculation = BillingContext.PenaltyRecalculation(
                    rules: before, asOf: day, reason: "перерасчёт пени на \(day.russian): \(reason)\(effect)")
            }
        }
        return context
    }

    /// The inputs of every premises from `first` through `last`, in account order.
    func inputs(from first: String, through last: String, period: BillingPeriod) throws -> [PremisesInputs] {
        try inputs(where: { "\($0) >= ? AND \($0) <= ?" }, [first, last], period: period)
    }

    /// What the premises of some houses need for their own volumes of the resources: their
    /// services that name a resource, with their meters, readings and journal (no privileges).
    func volumeInputs(houses: [String], period: BillingPeriod) throws -> [PremisesInputs] {
        let marks = houses.map { _ in "?" }.joined(separator: ", ")
        return try inputs(
            where: { "\($0) IN (SELECT number FROM accounts WHERE house_code IN (\(marks)))" }, houses, period: period,
            resourcesOnly: true)
    }

    /// The inputs of the premises whose account number `column` the condition `selects`, with
    /// its bound values.
    private func inputs(
        where selects: (_ column: String) -> String, _ range: [any SQLBindable], period: BillingPeriod,
        resourcesOnly: Bool = false
    ) throws -> [PremisesInputs] {
        // Only the services that name a resource, when that is all a caller needs.
        let resourceOnly = resourcesOnly ? "AND s.resource IS NOT NULL" : ""
        var premises: [String: PremisesInputs] = [:]
        try connection.queryBatch(
            "SELECT number, area_centi, residents, house_code FROM accounts WHERE \(selects("number"))", range
        ) { row in
            let account = try row.string(0)
            var inputs = PremisesInputs(account: account)
            inputs.areaCenti = try row.int64(1)
            inputs.residents = try row.int(2)
            inputs.houseCode = try row.string(3)
            premises[account] = inputs
        }
        try connection.queryBatch(
            """
            SELECT pa.account_number, s.principal_id, s.code, s.calculation, s.norm_milli, s.resource
            FROM principal_accounts pa JOIN services s ON s.principal_id = pa.principal_id
            WHERE s.calculation <> 'supplied' AND \(selects("pa.account_number")) \(resourceOnly)
            """, range
        ) { row in
            let key = ServiceKey(principalId: try row.int64(1), service: try row.string(2))
            premises[try row.string(0)]?.calculated[key] = PremisesInputs.Calculated(
                calculation: Service.Calculation(rawValue: try row.string(3)) ?? .supplied,
                normMilli: try row.optionalInt64(4),
                resource: try row.optionalString(5).flatMap(Service.Resource.init(rawValue:)))
        }
        var meters: [String: (account: String, key: ServiceKey, meter: MeterHistory)] = [:]
        try connection.queryBatch(
            """
            SELECT m.account_number, m.principal_id, m.service_code, m.serial, m.digits,
                   COALESCE(m.initial_reading_milli, 0), m.installed_on, m.verified_until
            FROM meters m \(resourcesOnly ? serviceJoin("m") : "") WHERE \(selects("m.account_number"))
            """, range
        ) { row in
            let key = ServiceKey(principalId: try row.int64(1), service: try row.string(2))
            meters["\(key.principalId)|\(try row.string(3))"] = (
                try row.string(0), key,
                MeterHistory(
                    digits: try row.int(4), initialMilli: try row.int64(5), installedOn: try row.date(6),
                    verifiedUntil: try row.date(7), readings: [])
            )
        }
        try connection.queryBatch(
            """
            SELECT principal_id, meter_serial, period, value_milli, taken_on FROM readings
            WHERE \(selects("account_number")) AND period <= ?
            """, range + [period]
        ) { row in
            let id = "\(try row.int64(0))|\(try row.string(1))"
            meters[id]?.meter.readings.append(
                MeterHistory.Reading(period: try row.period(2), valueMilli: try row.int64(3), takenOn: try row.date(4)))
        }
        for (_, held) in meters.sorted(by: { $0.key < $1.key }) {
            premises[held.account]?.meters[held.key, default: []].append(held.meter)
        }
        try connection.queryBatch(
            """
            SELECT account_number, principal_id, service_code, residents, percent, effective_from, effective_until,
                   category, area_norm_centi, fixed_amount
            FROM privileges WHERE \(selects("account_number")) \(resourcesOnly ? "AND 1 = 0" : "")
            """, range
        ) { row in
            let key = ServiceKey(principalId: try row.int64(1), service: try row.string(2))
            premises[try row.string(0)]?.privileges[key, default: []].append(
                PremisesInputs.PrivilegeTerms(
                    category: try row.string(7), residents: try row.int(3), percent: try row.int(4),
                    areaNormCenti: try row.optionalInt64(8),
                    fixedAmount: try row.optionalInt64(9).map { Money(kopecks: $0) },
                    from: try row.date(5), until: try row.optionalString(6).flatMap(CalendarDate.init(iso:))))
        }
        try connection.queryBatch(
            """
            SELECT p.account_number, p.principal_id, p.service_code, \(JournalEntry.columns)
            FROM postings p \(resourcesOnly ? serviceJoin("p") : "")
            WHERE \(selects("p.account_number")) AND p.period <= ?
            """, range + [period]
        ) { row in
            guard let entry = try JournalEntry(row, from: 3) else { return }
            let key = ServiceKey(principalId: try row.int64(1), service: try row.string(2))
            premises[try row.string(0)]?.entries[key, default: []].append(entry)
        }
        return premises.values.sorted { $0.account < $1.account }
    }

    /// The join that keeps the rows of a table aliased `alias` whose service names a resource.
    private func serviceJoin(_ alias: String) -> String {
        "JOIN services s ON s.principal_id = \(alias).principal_id AND s.code = \(alias).service_code "
            + "AND s.resource IS NOT NULL"
    }
}
