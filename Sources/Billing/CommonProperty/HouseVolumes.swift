public import Core
public import Storage

/// What the billing runs worked out for the houses' common property (СОИ): per house and
/// resource, a period's row (the house meters' volume, the premises' own volumes, the СОИ volume
/// shared, what it billed, the negative volume carried in and out) or a year's recalculation by
/// the house meter; and the negative volumes still carried forward.
public struct HouseVolumes {
    public struct Row: Sendable, Hashable, Codable {
        public var house: String
        public var resource: String
        /// `month`, or `year` for a year's recalculation by the house meter.
        public var basis: String
        public var period: BillingPeriod
        /// `norm`, `average` or `meter` (the owners' decision).
        public var method: String
        public var meterMilli: Int64?
        public var individualMilli: Int64?
        public var carriedInMilli: Int64
        public var commonMilli: Int64?
        public var carriedOutMilli: Int64
        public var billedIndividualMilli: Int64?
        public var billedCommonMilli: Int64?
        /// A year's recalculation: the period its equal parts start in.
        public var firstPeriod: BillingPeriod?
        public var note: String?
    }

    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    static let columns = """
        house_code, resource, basis, period, method, meter_milli, individual_milli, carried_in_milli, common_milli,
        carried_out_milli, billed_individual_milli, billed_common_milli, first_period, note
        """

    static func row(_ row: SQLRow) throws -> Row {
        Row(
            house: try row.string(0), resource: try row.string(1), basis: try row.string(2), period: try row.period(3),
            method: try row.string(4), meterMilli: try row.optionalInt64(5), individualMilli: try row.optionalInt64(6),
            carriedInMilli: try row.int64(7), commonMilli: try row.optionalInt64(8), carriedOutMilli: try row.int64(9),
            billedIndividualMilli: try row.optionalInt64(10), billedCommonMilli: try row.optionalInt64(11),
            firstPeriod: row.isNull(12) ? nil : try row.period(12), note: try row.optionalString(13))
    }

    /// The period's rows, and the year's recalculations its run made, of every house or one.
    public func rows(period: BillingPeriod, house: String? = nil) throws -> [Row] {
        try connection.all(
            """
            SELECT \(Self.columns) FROM house_volumes
            WHERE ((basis = 'month' AND period = ?) OR (basis = 'year' AND first_period = ?))
              AND (CAST(? AS TEXT) IS NULL OR house_code = ?)
            ORDER BY house_code, resource, basis
            """, [period, period, house, house]
        ).map(Self.row)
    }

    /// The negative volumes carried forward after `period`, per house and resource: what the
    /// latest row that moved each left, where it is below zero.
    public func carriedForward(after period: BillingPeriod) throws -> [Row] {
        try connection.all(
            """
            SELECT \(Self.columns) FROM house_volumes v
            WHERE v.period <= ? AND (v.basis = 'year' OR v.method = 'meter') AND v.carried_out_milli < 0
              AND NOT EXISTS (
                SELECT 1 FROM house_volumes w WHERE w.house_code = v.house_code AND w.resource = v.resource
                  AND w.period <= ? AND (w.basis = 'year' OR w.method = 'meter')
                  AND (w.period > v.period OR (w.period = v.period AND w.basis > v.basis)))
            ORDER BY v.house_code, v.resource
            """, [period, period]
        ).map(Self.row)
    }
}
