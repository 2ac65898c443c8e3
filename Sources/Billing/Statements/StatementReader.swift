public import Core
import Principals
public import Storage

/// Reads billed statements as values (``BilledStatement``), streaming one at a time: one
/// account (the infomat copy), or a range of the period's delivery order (``DeliveryOrder``).
/// The meters and readings of the statements asked for are read first, in one query each.
/// The one reader of statements for whoever shows them (Receipts' ЕПД).
public struct StatementReader {
    public enum Selection: Sendable, Hashable {
        case account(PersonalAccountNumber)
        /// Positions in the delivery order, from 1.
        case delivery(ClosedRange<Int>)
    }

    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Calls `body` with each selected statement of the period, in delivery order (by account
    /// for one account).
    public func forEachStatement(
        period: BillingPeriod, _ selection: Selection, _ body: (BilledStatement) throws -> Void
    ) throws {
        let statements = scope(selection, period: period, alias: "s")
        let ownPayees = try self.ownPayees(on: period.lastDay)
        let meters = try self.meters(period: period, selection)
        let recalculations = try self.recalculations(period: period, selection)
        let houses = try self.houses(period: period, selection)
        var current: BilledStatement?
        try connection.query(
            """
            SELECT s.account_number, \(OwnerBook.ownerOnDay(account: "a.number", registered: "a.owner_name")), h.postal_code, h.city, h.street, h.number, a.entrance,
                   a.apartment, a.area_centi, a.residents,
                   p.name, p.inn, p.kpp, p.bank_name, p.bic, p.account, p.phone,
                   COALESCE(sv.name, l.service_code), COALESCE(sv.unit, ''), l.volume_milli, l.tariff, l.amount,
                   l.recalculated, l.privileges, s.opening, s.paid, s.penalties, p.id, p.corr_account, l.closing,
                   sv.norm_milli, COALESCE(sv.readings_due_day, 25), l.opening, l.penalties, l.paid, l.method,
                   l.method_note, l.privilege_note, sv.payment_due_day, sv.calculation, ga.unified_account,
                   gd.document_id
            FROM statements s
            \(statements.join)
            JOIN accounts a ON a.number = s.account_number
            JOIN houses h ON h.code = a.house_code
            LEFT JOIN gis_accounts ga ON ga.account_number = s.account_number
            LEFT JOIN gis_documents gd ON gd.account_number = s.account_number AND gd.period = s.period
            JOIN statement_lines l ON l.period = s.period AND l.account_number = s.account_number
            JOIN principals p ON p.id = l.principal_id
            LEFT JOIN services sv ON sv.principal_id = l.principal_id AND sv.code = l.service_code
            WHERE s.period = ? \(statements.filter)
            ORDER BY \(selection.isRange ? "o.seq" : "s.account_number"), l.line_no
            """,
            // The owner on the period's last day is the one printed.
            [period.lastDay] + (selection.isRange ? [period] : []) + [period]
                + Array(statements.binds.dropFirst(selection.isRange ? 1 : 0))
        ) { row in
            let number = try row.string(0)
            var held = current.take()
            if let done = held, done.premises.account.value != number {
                try body(done)
                held = nil
            }
            var statement: BilledStatement
            if let open = held.take() {
                statement = open
            } else {
                statement = BilledStatement(
                    period: period,
                    premises: BilledStatement.Premises(
                        account: try PersonalAccountNumber(number), ownerName: try row.string(1),
                        postalCode: try row.string(2), city: try row.string(3), street: try row.string(4),
                        houseNumber: try row.string(5), entrance: try row.int(6), apartment: try row.string(7),
                        areaCenti: try row.int64(8), residents: try row.int(9)),
                    opening: try row.money(24), paid: try row.money(25), penalties: try row.money(26), principals: [],
                    meters: meters[number] ?? [], recalculations: recalculations[number] ?? [])
                statement.house = houses[number]
                statement.unifiedAccount = try row.optionalString(40)
                statement.documentId = try row.optionalString(41)
            }
            let inn = try row.string(11)
            if statement.principals.last?.inn != inn {
                let id = try row.int64(27)
                statement.principals.append(
                    BilledStatement.Principal(
                        id: id, name: try row.string(10), inn: inn, kpp: try row.string(12),
                        bankName: try row.string(13), bic: try row.string(14), account: try row.string(15),
                        correspondentAccount: try row.string(28), phone: try row.string(16),
                        paidToOwnAccount: ownPayees.contains(id), lines: []))
            }
            statement.principals[statement.principals.count - 1].lines.append(
                BilledStatement.Line(
                    serviceName: try row.string(17), unit: try row.string(18), volumeMilli: try row.int64(19),
                    tariff: try row.money(20), amount: try row.money(21), recalculated: try row.money(22),
                    privileges: try row.money(23), closing: try row.money(29), opening: try row.money(32),
                    penalties: try row.money(33), paid: try row.money(34), method: try row.string(35),
                    methodNote: try row.optionalString(36), privilegeNote: try row.optionalString(37),
                    normMilli: try row.optionalInt64(30),
                    readingsDueDay: try row.int(31), paymentDueDay: try row.optionalInt64(38).map { Int($0) },
                    isCommonProperty: try row.optionalString(39) == Service.Calculation.commonProperty.rawValue))
            current = statement
        }
        if let done = current { try body(done) }
    }

    /// The join and filter that select the documents' rows of a table aliased `alias`, with
    /// their bound values (the period first, for the delivery order).
    private func scope(
        _ selection: Selection, period: BillingPeriod, alias: String
    ) -> (
        join: String, filter: String, binds: [any SQLBindable]
    ) {
        switch selection {
        case .account(let account):
            return ("", "AND \(alias).account_number = ?", [account])
        case .delivery(let range):
            return (
                "JOIN print_order o ON o.period = ? AND o.account_number = \(alias).account_number",
                "AND o.seq >= ? AND o.seq <= ?", [period, range.lowerBound, range.upperBound]
            )
        }
    }

    /// Principals whose agreement in force on `day` pays them to their own account.
    private func ownPayees(on day: CalendarDate) throws -> Set<Int64> {
        var own: Set<Int64> = []
        try connection.query(
            """
            SELECT a.principal_id FROM agreements a
            WHERE a.payee = 'own' AND a.effective_from = (
                SELECT MAX(b.effective_from) FROM agreements b WHERE b.principal_id = a.principal_id AND b.effective_from <= ?)
            """, [day]
        ) { own.insert(try $0.int64(0)) }
        return own
    }

    /// The selected premises' meters by account, each with its last reading before the period
    /// and its last reading of the period.
    /// The period's recalculations with their reasons (Раздел 6): penalties recalculated when the
    /// rates changed (a penalty posting naming the period it recalculates), and charges
    /// recalculated by a principal's file (its reason) or by a meter's late reading; summed per
    /// principal, service and reason.
    private func recalculations(
        period: BillingPeriod, _ selection: Selection
    ) throws -> [String: [BilledStatement.Recalculation]] {
        let selected = scope(selection, period: period, alias: "x")
        var result: [String: [BilledStatement.Recalculation]] = [:]
        try connection.query(
            """
            SELECT x.account_number, pr.name, COALESCE(sv.name, x.service_code), x.kind, x.note, SUM(x.amount)
            FROM postings x \(selected.join)
            JOIN principals pr ON pr.id = x.principal_id
            LEFT JOIN services sv ON sv.principal_id = x.principal_id AND sv.code = x.service_code
            WHERE x.period = ? AND x.note IS NOT NULL
              AND ((x.kind = 'penalty' AND x.for_period IS NOT NULL) OR x.kind = 'recalculation') \(selected.filter)
            GROUP BY x.account_number, pr.name, COALESCE(sv.name, x.service_code), x.kind, x.note
            HAVING SUM(x.amount) <> 0
            ORDER BY x.account_number, x.kind, pr.name, COALESCE(sv.name, x.service_code), x.note
            """,
            (selection.isRange ? [period] : []) + [period]
                + Array(selected.binds.dropFirst(selection.isRange ? 1 : 0))
        ) { row in
            result[try row.string(0), default: []].append(
                BilledStatement.Recalculation(
                    principalName: try row.string(1), serviceName: try row.string(2),
                    isPenalty: try row.string(3) == "penalty", amount: try row.money(5), reason: try row.string(4)))
        }
        return result
    }

    /// The common-property figures of the selected premises' houses, by account: the house's
    /// areas, and per resource its norm and what the billing run recorded for the period.
    private func houses(period: BillingPeriod, _ selection: Selection) throws -> [String: BilledStatement.HouseFigures]
    {
        let selected = scope(selection, period: period, alias: "x")
        var result: [String: BilledStatement.HouseFigures] = [:]
        try connection.query(
            """
            SELECT x.account_number, h.common_area_centi, h.premises_area_centi, n.resource, n.norm_micro, v.meter_milli,
                   COALESCE(v.billed_individual_milli, 0), COALESCE(v.billed_common_milli, 0),
                   CASE WHEN v.method = 'meter' THEN v.carried_out_milli ELSE 0 END
            FROM statements x \(selected.join)
            JOIN accounts a ON a.number = x.account_number
            JOIN houses h ON h.code = a.house_code
            JOIN house_norms n ON n.house_code = h.code
            LEFT JOIN house_volumes v ON v.house_code = h.code AND v.resource = n.resource AND v.period = x.period
                AND v.basis = 'month'
            WHERE x.period = ? AND h.common_area_centi IS NOT NULL \(selected.filter)
            ORDER BY x.account_number, n.resource
            """,
            (selection.isRange ? [period] : []) + [period] + Array(selected.binds.dropFirst(selection.isRange ? 1 : 0))
        ) { row in
            guard let resource = Service.Resource(rawValue: try row.string(3)) else { return }
            let account = try row.string(0)
            var figures =
                try result[account]
                ?? BilledStatement.HouseFigures(
                    commonAreaCenti: try row.int64(1), premisesAreaCenti: try row.int64(2), resources: [])
            figures.resources.append(
                BilledStatement.HouseFigures.Resource(
                    resource: resource, normMicro: try row.int64(4), meterMilli: try row.optionalInt64(5),
                    individualMilli: try row.int64(6), commonMilli: try row.int64(7), carriedMilli: try row.int64(8)))
            result[account] = figures
        }
        return result
    }

    private func meters(period: BillingPeriod, _ selection: Selection) throws -> [String: [BilledStatement.Meter]] {
        let selected = scope(selection, period: period, alias: "m")
        var meters: [String: (account: String, line: BilledStatement.Meter)] = [:]
        var ordered: [String] = []
        try connection.query(
            """
            SELECT m.account_number, m.principal_id, m.serial, COALESCE(sv.name, m.service_code), COALESCE(sv.unit, ''),
                   m.verified_until
            FROM meters m \(selected.join)
            LEFT JOIN services sv ON sv.principal_id = m.principal_id AND sv.code = m.service_code
            WHERE true \(selected.filter)
            ORDER BY m.account_number, sv.name, m.serial
            """, selected.binds
        ) { row in
            let key = "\(try row.int64(1))|\(try row.string(2))"
            ordered.append(key)
            meters[key] = (
                try row.string(0),
                BilledStatement.Meter(
                    serviceName: try row.string(3), serial: try row.string(2), unit: try row.string(4), previous: nil,
                    current: nil, verifiedUntil: try row.date(5))
            )
        }
        guard !meters.isEmpty else { return [:] }
        let readings = scope(selection, period: period, alias: "r")
        let joinBinds = selection.isRange ? [readings.binds[0]] : []
        try connection.query(
            """
            SELECT r.principal_id, r.meter_serial, r.period, r.value_milli, r.taken_on
            FROM readings r \(readings.join)
            WHERE r.period <= ? \(readings.filter)
            ORDER BY r.taken_on, r.id
            """, joinBinds + [period] + Array(readings.binds.dropFirst(joinBinds.count))
        ) { row in
            let key = "\(try row.int64(0))|\(try row.string(1))"
            guard meters[key] != nil else { return }
            let reading = BilledStatement.Reading(valueMilli: try row.int64(3), takenOn: try row.date(4))
            if try row.period(2) == period {
                meters[key]?.line.current = reading
            } else {
                meters[key]?.line.previous = reading
            }
        }
        var result: [String: [BilledStatement.Meter]] = [:]
        for key in ordered {
            guard let held = meters[key] else { continue }
            result[held.account, default: []].append(held.line)
        }
        return result
    }
}

extension StatementReader.Selection {
    var isRange: Bool {
        if case .delivery = self { return true }
        return false
    }
}
