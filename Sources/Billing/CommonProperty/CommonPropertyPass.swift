import Core
import Storage

/// The house pass of a billing run, before its premises: the one writer of `house_volumes`.
///
/// When a run starts, each house with common-property data gets a row per resource for the
/// period: its house meters' (ОДПУ) volume where it has them and, for a house whose owners
/// decided to pay by the house meter month by month, the СОИ volume to share: the house meter
/// less the premises' own volumes (worked out by the same bill as the premises pass, for that
/// house's premises only), plus the negative volume carried in; a negative result gives no
/// СОИ and is carried forward. In a period of a new year, each house with a house meter and
/// no such decision gets its year row: the year before's house meter volume less the
/// premises' volumes that year, plus what was carried in: the СОИ volume its premises'
/// recalculation shares out, from this period through December. The premises pass adds what
/// each batch billed to the period's rows, so that the ЕПД gives the house's totals.
struct CommonPropertyPass {
    let connection: any Connection
    let period: BillingPeriod

    /// What the pass wrote, for the run's summary.
    struct Outcome: Sendable, Hashable {
        var houses = 0
        var recalculatedYears = 0
    }

    func run(context: BillingContext) throws -> Outcome {
        var outcome = Outcome()
        try connection.execute("DELETE FROM house_volumes WHERE period = ? AND basis = 'month'", [period])
        let houses = try self.houses()
        let meters = try houseMeters()
        // The premises' own volumes of the houses billed by their meters month by month, a few
        // houses at a time.
        let byMeter = houses.filter { $0.value.data.method == .meter && meters[$0.key] != nil }.keys.sorted()
        let individual = try individualVolumes(of: byMeter, context: context)
        for (code, house) in houses.sorted(by: { $0.key < $1.key }) {
            outcome.houses += 1
            let resources = house.data.normsMicro.keys.sorted { $0.rawValue < $1.rawValue }
            for resource in resources {
                let ownMeters = meters[code]?[resource] ?? []
                if !ownMeters.isEmpty, house.data.method != .meter,
                    try recalculateYear(code, resource, method: house.data.method, meters: ownMeters)
                {
                    outcome.recalculatedYears += 1
                }
                let measured =
                    ownMeters.isEmpty ? nil : try meterVolume(ownMeters, after: period.previous, through: period)
                var row = Row(method: house.data.method, meterMilli: measured?.volume)
                if house.data.method == .meter {
                    let carried = try carriedIn(code, resource, before: period)
                    row.carriedIn = carried
                    if let volume = measured?.volume {
                        let own = individual[code]?[resource] ?? 0
                        let left = volume - own + carried
                        row.individualMilli = own
                        row.commonMilli = max(left, 0)
                        row.carriedOut = min(left, 0)
                    } else {
                        row.carriedOut = carried
                        row.note = measured?.note ?? "ОДПУ нет: по нормативу"
                    }
                }
                try insert(row, house: code, resource: resource, period: period, basis: "month")
            }
        }
        return outcome
    }

    /// The houses with common-property data, with what the pass worked out for the period and
    /// the year before, for the premises pass.
    func houses() throws -> [String: HouseCommon] {
        var houses: [String: HouseCommon] = [:]
        try connection.query(
            """
            SELECT code, common_area_centi, premises_area_centi, management, manager_id, common_method FROM houses
            WHERE common_area_centi IS NOT NULL
            """
        ) { row in
            houses[try row.string(0)] = HouseCommon(
                data: CommonProperty(
                    commonAreaCenti: try row.int64(1), premisesAreaCenti: try row.int64(2),
                    management: CommonProperty.Management(rawValue: try row.string(3)) ?? .organisation,
                    method: CommonProperty.Method(rawValue: try row.optionalString(5) ?? "") ?? .norm, normsMicro: [:]),
                managerId: try row.optionalInt64(4))
        }
        try connection.query("SELECT house_code, resource, norm_micro FROM house_norms") { row in
            guard let resource = Service.Resource(rawValue: try row.string(1)) else { return }
            houses[try row.string(0)]?.data.normsMicro[resource] = try row.int64(2)
        }
        let lastYear = BillingPeriod.clamped(period.year - 1, 12)
        try connection.query(
            """
            SELECT house_code, resource, basis, common_milli, first_period, from_period FROM house_volumes
            WHERE common_milli IS NOT NULL AND ((basis = 'month' AND period = ?) OR (basis = 'year' AND period = ?))
            """, [period, lastYear]
        ) { row in
            guard let resource = Service.Resource(rawValue: try row.string(1)) else { return }
            let code = try row.string(0)
            if try row.string(2) == "month" {
                houses[code]?.monthVolumeMilli[resource] = try row.int64(3)
            } else {
                let from = try row.period(5)
                houses[code]?.year[resource] = (try row.int64(3), try row.period(4), 12 - from.month + 1)
            }
        }
        return houses
    }

    /// Adds what a batch billed to its houses' rows of the period: (house, resource, own
    /// volumes, СОИ volumes).
    static func add(
        _ billed: [(house: String, resource: Service.Resource, own: Int64, common: Int64)],
        period: BillingPeriod, on connection: any Connection
    ) throws {
        for item in billed {
            try connection.execute(
                """
                UPDATE house_volumes SET billed_individual_milli = COALESCE(billed_individual_milli, 0) + ?,
                    billed_common_milli = COALESCE(billed_common_milli, 0) + ?
                WHERE house_code = ? AND resource = ? AND period = ? AND basis = 'month'
                """, [item.own, item.common, item.house, item.resource.rawValue, period])
        }
    }

    // MARK: - The house meters

    struct HouseMeter {
        var principalId: Int64
        var serial: String
        var digits: Int
        var installedOn: CalendarDate
        var initialMilli: Int64
    }

    private func houseMeters() throws -> [String: [Service.Resource: [HouseMeter]]] {
        var meters: [String: [Service.Resource: [HouseMeter]]] = [:]
        try connection.query(
            """
            SELECT house_code, resource, principal_id, serial, digits, installed_on, COALESCE(initial_reading_milli, 0)
            FROM house_meters WHERE removed_on IS NULL OR removed_on > ? ORDER BY house_code, principal_id, serial
            """, [period.firstDay]
        ) { row in
            guard let resource = Service.Resource(rawValue: try row.string(1)) else { return }
            meters[try row.string(0), default: [:]][resource, default: []].append(
                HouseMeter(
                    principalId: try row.int64(2), serial: try row.string(3), digits: try row.int(4),
                    installedOn: try row.date(5), initialMilli: try row.int64(6)))
        }
        return meters
    }

    /// The house meters' volume from the end of `start` through the end of `end` (by the
    /// periods their readings count for), or why there is none: every meter needs a reading
    /// counting for `end`, and one before or its initial reading from before the interval.
    func meterVolume(
        _ meters: [HouseMeter], after start: BillingPeriod, through end: BillingPeriod
    ) throws -> (
        volume: Int64?, note: String?
    ) {
        var total: Int64 = 0
        for meter in meters {
            guard
                let last = try connection.first(
                    """
                    SELECT value_milli FROM house_readings WHERE principal_id = ? AND meter_serial = ? AND period = ?
                    ORDER BY taken_on DESC, id DESC LIMIT 1
                    """, [meter.principalId, meter.serial, end])
            else { return (nil, "нет показаний ОДПУ \(meter.serial) за \(end.russianName): по нормативу") }
            let base: Int64
            if let before = try connection.first(
                """
                SELECT value_milli FROM house_readings WHERE principal_id = ? AND meter_serial = ? AND period <= ?
                ORDER BY taken_on DESC, id DESC LIMIT 1
                """, [meter.principalId, meter.serial, start])
            {
                base = try before.int64(0)
            } else if meter.installedOn <= start.next.firstDay {
                base = meter.initialMilli
            } else {
                return (nil, "ОДПУ \(meter.serial) установлен \(meter.installedOn.russian), позже начала периода")
            }
            var volume = try last.int64(0) - base
            if volume < 0 {
                var capacity: Int64 = 1_000
                for _ in 0..<meter.digits { capacity *= 10 }
                volume += capacity
            }
            total += volume
        }
        return (total, nil)
    }

    // MARK: - Rows

    struct Row {
        var method: CommonProperty.Method
        var meterMilli: Int64?
        var individualMilli: Int64?
        var carriedIn: Int64 = 0
        var commonMilli: Int64?
        var carriedOut: Int64 = 0
        var billedCommon: Int64? = nil
        var firstPeriod: BillingPeriod? = nil
        var fromPeriod: BillingPeriod? = nil
        var note: String? = nil
    }

    private func insert(
        _ row: Row, house: String, resource: Service.Resource, period: BillingPeriod, basis: String
    )
        throws
    {
        try connection.execute(
            """
            INSERT INTO house_volumes (house_code, resource, period, basis, method, meter_milli, individual_milli,
                carried_in_milli, common_milli, carried_out_milli, billed_individual_milli, billed_common_milli,
                first_period, from_period, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                house, resource.rawValue, period, basis, row.method.rawValue, row.meterMilli, row.individualMilli,
                row.carriedIn, row.commonMilli, row.carriedOut, basis == "month" ? Int64(0) : nil,
                basis == "month" ? Int64(0) : row.billedCommon, row.firstPeriod, row.fromPeriod, row.note,
            ])
    }

    /// The negative volume carried into `period` for a house and resource: what the latest
    /// row that moved it (a year's recalculation, or a month by the house meter) left.
    private func carriedIn(_ house: String, _ resource: Service.Resource, before period: BillingPeriod) throws -> Int64
    {
        try connection.first(
            """
            SELECT carried_out_milli FROM house_volumes
            WHERE house_code = ? AND resource = ? AND period < ? AND (basis = 'year' OR method = 'meter')
            ORDER BY period DESC, basis DESC LIMIT 1
            """, [house, resource.rawValue, period]
        )?.int64(0) ?? 0
    }

    private func yearRowMissing(_ house: String, _ resource: Service.Resource) throws -> Bool {
        try connection.scalar(
            """
            SELECT COUNT(*) FROM house_volumes WHERE house_code = ? AND resource = ? AND period = ? AND basis = 'year'
              AND common_milli IS NOT NULL
            """, [house, resource.rawValue, BillingPeriod.clamped(period.year - 1, 12)]) == 0
    }

    /// The year before's recalculation of a house and resource by its house meters, made once
    /// (again while the meters' volume could not be worked out). True when it was made.
    private func recalculateYear(
        _ house: String, _ resource: Service.Resource, method: CommonProperty.Method, meters: [HouseMeter]
    ) throws -> Bool {
        let year = period.year - 1
        let last = BillingPeriod.clamped(year, 12)
        guard try yearRowMissing(house, resource) else { return false }
        // The year from the first month the center billed the house (a house it took over in
        // the year is recalculated for the months it billed): the house meter over the same months.
        guard
            let since = try connection.first(
                """
                SELECT MIN(p.period) FROM postings p JOIN accounts a ON a.number = p.account_number
                WHERE a.house_code = ? AND p.kind = 'charge' AND p.period >= ? AND p.period <= ?
                """, [house, BillingPeriod.clamped(year, 1), last]), !since.isNull(0)
        else { return false }
        let first = try since.period(0)
        try connection.execute(
            "DELETE FROM house_volumes WHERE house_code = ? AND resource = ? AND period = ? AND basis = 'year'",
            [house, resource.rawValue, last])
        let sums = try connection.one(
            """
            SELECT COALESCE(SUM(CASE WHEN s.calculation <> 'common-property' THEN p.volume_milli ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN s.calculation = 'common-property' AND p.kind = 'charge'
                                     THEN p.volume_milli ELSE 0 END), 0)
            FROM postings p JOIN accounts a ON a.number = p.account_number
            JOIN services s ON s.principal_id = p.principal_id AND s.code = p.service_code
            WHERE a.house_code = ? AND s.resource = ? AND p.kind IN ('charge', 'recalculation')
              AND p.period >= ? AND p.period <= ?
            """, [house, resource.rawValue, first, last])
        let measured = try meterVolume(meters, after: first.previous, through: last)
        var row = Row(method: method, meterMilli: measured.volume, individualMilli: try sums.int64(0))
        row.billedCommon = try sums.int64(1)
        row.firstPeriod = period
        row.fromPeriod = first
        let carried = try carriedIn(house, resource, before: last)
        row.carriedIn = carried
        if let volume = measured.volume {
            let left = volume - (try sums.int64(0)) + carried
            row.commonMilli = max(left, 0)
            row.carriedOut = min(left, 0)
        } else {
            row.carriedOut = carried
            row.note = measured.note
        }
        try insert(row, house: house, resource: resource, period: last, basis: "year")
        return measured.volume != nil
    }

    /// The premises' own volumes of the period per house and resource, each house's premises
    /// together, read twenty houses at a time.
    private func individualVolumes(
        of houses: [String], context: BillingContext
    ) throws -> [String: [Service
        .Resource: Int64]]
    {
        var total: [String: [Service.Resource: Int64]] = [:]
        let reader = BatchReader(connection: connection)
        var start = 0
        while start < houses.count {
            let group = Array(houses[start..<min(start + 20, houses.count)])
            start += group.count
            for inputs in try reader.volumeInputs(houses: group, period: period) {
                for (resource, volume) in PremisesBill(inputs, context: context).individual {
                    total[inputs.houseCode, default: [:]][resource, default: 0] += volume
                }
            }
        }
        return total
    }
}
