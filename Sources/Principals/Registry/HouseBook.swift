public import Core
public import Storage

/// The houses' common-property data (areas, who charges, the owners' decision, the region's
/// СОИ norms): the one writer of `houses`' СОИ columns and `house_norms`, for the accounts files
/// and the demo.
public struct HouseBook {
    let connection: any Connection

    public init(connection: any Connection) {
        self.connection = connection
    }

    /// Why `principalId` may not set a house's common-property data to `data`, or nil: only a
    /// management organisation manages a house, and a house managed by an organisation is
    /// changed only by a management organisation; under direct management a supplier sends the
    /// norms of what it supplies, and the areas another supplier registered.
    public func refusal(of data: CommonProperty, for house: String, by principalId: Int64) throws -> String? {
        let isManager = try isManagement(principalId)
        if data.management == .organisation, !isManager {
            return "only a management organisation manages a house; under direct management a resource supplier "
                + "sends direct"
        }
        if let held = try connection.first(
            "SELECT management, manager_id FROM houses WHERE code = ? AND management IS NOT NULL", [house]),
            try held.string(0) == CommonProperty.Management.organisation.rawValue,
            try held.optionalInt64(1) != principalId, !isManager
        {
            return "the house is managed by an organisation: only a management organisation changes its "
                + "common-property data"
        }
        guard !isManager else { return nil }
        let supplied = try resources(of: principalId)
        let foreign = data.normsMicro.keys.filter { !supplied.contains($0) }.map(\.rawValue).sorted()
        if !foreign.isEmpty {
            return "norms of \(foreign.joined(separator: ", ")): this principal supplies none of them"
        }
        if let held = try connection.first(
            """
            SELECT common_area_centi, premises_area_centi, common_set_by FROM houses
            WHERE code = ? AND common_area_centi IS NOT NULL AND management = 'direct'
            """, [house])
        {
            let (common, premises) = (try held.int64(0), try held.int64(1))
            if try held.optionalInt64(2) != principalId,
                common != data.commonAreaCenti || premises != data.premisesAreaCenti
            {
                return "another supplier registered the house with a common area of "
                    + "\(Money(kopecks: common).decimalString) m² and premises of "
                    + "\(Money(kopecks: premises).decimalString) m²: send the same"
            }
        }
        return nil
    }

    func isManagement(_ principalId: Int64) throws -> Bool {
        try connection.first("SELECT kind FROM principals WHERE id = ?", [principalId])?.string(0)
            == Principal.Kind.management.rawValue
    }

    /// The resources of a principal's services.
    func resources(of principalId: Int64) throws -> Set<Service.Resource> {
        var resources: Set<Service.Resource> = []
        try connection.query(
            "SELECT DISTINCT resource FROM services WHERE principal_id = ? AND resource IS NOT NULL", [principalId]
        ) { row in
            if let resource = Service.Resource(rawValue: try row.string(0)) { resources.insert(resource) }
        }
        return resources
    }

    /// Sets a house's common-property data, sent by `principalId`: a management organisation's
    /// replace the house's norms; under direct management a supplier's replace the norms of what
    /// it supplies, and the other suppliers' stay.
    public func set(_ data: CommonProperty, for house: String, by principalId: Int64) throws {
        let wasDirect =
            try connection.scalar("SELECT COUNT(*) FROM houses WHERE code = ? AND management = 'direct'", [house]) > 0
        try connection.execute(
            """
            UPDATE houses SET common_area_centi = ?, premises_area_centi = ?, management = ?, manager_id = ?,
                common_method = ?, common_set_by = ? WHERE code = ?
            """,
            [
                data.commonAreaCenti, data.premisesAreaCenti, data.management.rawValue,
                data.management == .organisation ? principalId : nil, data.method.rawValue, principalId, house,
            ])
        if try !isManagement(principalId), wasDirect {
            for resource in try resources(of: principalId) {
                try connection.execute(
                    "DELETE FROM house_norms WHERE house_code = ? AND resource = ?", [house, resource.rawValue])
            }
        } else {
            try connection.execute("DELETE FROM house_norms WHERE house_code = ?", [house])
        }
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

    /// The houses whose common-property data `principalId` set, for its accounts file written back.
    public func commonProperty(setBy principalId: Int64) throws -> [String: CommonProperty] {
        var result: [String: CommonProperty] = [:]
        for row in try connection.all("SELECT code FROM houses WHERE common_set_by = ? ORDER BY code", [principalId]) {
            let code = try row.string(0)
            if var data = try commonProperty(of: code) {
                if try !isManagement(principalId) {
                    let own = try resources(of: principalId)
                    data.normsMicro = data.normsMicro.filter { own.contains($0.key) }
                }
                result[code] = data
            }
        }
        return result
    }
}
