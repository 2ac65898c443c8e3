public import Core
public import Storage

/// The houses' common-property data (areas, who charges, the owners' decision, the region's
/// СОИ norms) and their house meters (ОДПУ): the one writer of `houses`' СОИ columns,
/// `house_norms` and `house_meters`, for the accounts and meters files and the demo.
public struct HouseBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Why `principalId` may not set a house's common-property data to `data`, or nil: a house
    /// managed by an organisation is changed only by a management organisation (the one
    /// managing it, or one taking it over), and only a management organisation manages one.
    public func refusal(of data: CommonProperty, for house: String, by principalId: Int64) throws -> String? {
        let kind = try connection.first("SELECT kind FROM principals WHERE id = ?", [principalId])?.string(0)
        let isManager = kind == Principal.Kind.management.rawValue
        if data.management == .organisation, !isManager {
            return "only a management organisation manages a house: a resource supplier sends direct"
        }
        if let held = try connection.first(
            "SELECT management, manager_id FROM houses WHERE code = ? AND management IS NOT NULL", [house]),
            try held.string(0) == CommonProperty.Management.organisation.rawValue,
            try held.optionalInt64(1) != principalId, !isManager
        {
            return
                "the house is managed by an organisation: only a management organisation changes its common-property data"
        }
        return nil
    }

    /// Sets a house's common-property data, sent by `principalId` (its manager when managed by
    /// an organisation); its norms are replaced by these.
    public func set(_ data: CommonProperty, for house: String, by principalId: Int64) throws {
        try connection.execute(
            """
            UPDATE houses SET common_area_centi = ?, premises_area_centi = ?, management = ?, manager_id = ?,
                common_method = ? WHERE code = ?
            """,
            [
                data.commonAreaCenti, data.premisesAreaCenti, data.management.rawValue,
                data.management == .organisation ? principalId : nil, data.method.rawValue, house,
            ])
        try connection.execute("DELETE FROM house_norms WHERE house_code = ?", [house])
        for (resource, norm) in data.normsMicro.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try connection.execute(
                "INSERT INTO house_norms (house_code, resource, norm_micro) VALUES (?, ?, ?)",
                [house, resource.rawValue, norm])
        }
    }

    /// A house's common-property data, or nil when it has none.
    public func commonProperty(of house: String) throws -> CommonProperty? {
        guard
            let row = try connection.first(
                """
                SELECT common_area_centi, premises_area_centi, management, common_method FROM houses
                WHERE code = ? AND common_area_centi IS NOT NULL
                """, [house])
        else { return nil }
        var norms: [Service.Resource: Int64] = [:]
        try connection.query("SELECT resource, norm_micro FROM house_norms WHERE house_code = ?", [house]) { row in
            if let resource = Service.Resource(rawValue: try row.string(0)) { norms[resource] = try row.int64(1) }
        }
        return CommonProperty(
            commonAreaCenti: try row.int64(0), premisesAreaCenti: try row.int64(1),
            management: CommonProperty.Management(rawValue: try row.string(2)) ?? .organisation,
            method: CommonProperty.Method(rawValue: try row.string(3)) ?? .norm, normsMicro: norms)
    }
}
