import Core
import Storage

/// The identifiers ГИС ЖКХ gave back, in a file of the center's own (`gis-ids-1.xsd`): each must
/// name what the center holds (a registered account, a principal's meter or service, the
/// center's own settlement account, an ЕПД billed), and no identifier may name two things; the
/// whole file is refused with every problem, or every entry is stored, a new value replacing an
/// old one.
final class GisIdsFileHandler: RecordHandler {
    let session: ImportSession
    var rows = 0
    var principals: [String: Int64] = [:]
    var centerAccounts: Set<String> = []
    var seen: Set<String> = []
    var pendingMeters: [[SQLValue]] = []
    var pendingPrincipals: [[SQLValue]] = []
    var pendingServices: [[SQLValue]] = []
    var pendingPayments: [[SQLValue]] = []
    /// Every object GUID of the file (not the references' НСИ GUIDs, which many services share):
    /// the GUID, what it names, its line and element.
    var guids: [(guid: String, owner: String, line: Int, element: String)] = []

    let accounts = StagingTable(
        name: "erc_import_gis_accounts",
        columns: [
            ("number", "TEXT NOT NULL"), ("unified_account", "TEXT NOT NULL"), ("service_id", "TEXT NOT NULL"),
            ("account_guid", "TEXT NOT NULL"), ("line", "BIGINT NOT NULL"),
        ])
    let documents = StagingTable(
        name: "erc_import_gis_documents",
        columns: [
            ("account_number", "TEXT NOT NULL"), ("period", "TEXT NOT NULL"), ("document_id", "TEXT NOT NULL"),
            ("line", "BIGINT NOT NULL"),
        ])

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) throws -> Bool {
        let history = try CenterBook(connection: connection).history()
        centerAccounts = Set(
            history.map { "\($0.center.bankDetails.bic.value)|\($0.center.bankDetails.account.value)" })
        try connection.query("SELECT inn, id FROM principals") { principals[try $0.string(0)] = try $0.int64(1) }
        return try session.beginSettings(header: record, innsAllowed: Set(history.map(\.center.inn.value)))
    }

    /// Refuses the second entry for the same thing, or the second thing with the same identifier.
    private func once(_ record: XMLRecord, _ element: String, _ key: String, _ what: String) -> Bool {
        guard seen.insert(key).inserted else {
            session.problem(record, element, "\(what) appears earlier in the file")
            return false
        }
        return true
    }

    private func principal(_ record: XMLRecord, _ element: String) -> Int64? {
        guard let inn = record.fields[element] else { return nil }
        guard let id = principals[inn] else {
            session.problem(record, element, "no principal with this INN is registered")
            return nil
        }
        return id
    }

    func record(_ record: XMLRecord) throws {
        let f = record.fields
        switch record.name {
        case "account":
            rows += 1
            guard let number = f["number"], let unified = f["unifiedAccountNumber"], let service = f["serviceId"],
                let guid = f["accountGuid"]
            else { return }
            if !service.hasPrefix(unified + "-") {
                session.problem(record, "serviceId", "does not start with the account's ЕЛС \(unified)")
            }
            guard once(record, "number", "account \(number)", "the account"),
                once(record, "unifiedAccountNumber", "els \(unified.lowercased())", "this ЕЛС"),
                once(record, "accountGuid", "guid \(guid.lowercased())", "this GUID")
            else { return }
            try accounts.append(
                [
                    .text(number), .text(unified), .text(service), .text(guid.lowercased()),
                    .integer(Int64(record.line)),
                ],
                session: session)
        case "meter":
            rows += 1
            guard let serial = f["serial"], let guid = f["rootGuid"], let id = principal(record, "principalInn") else {
                return
            }
            let known = try connection.scalar(
                """
                SELECT (SELECT COUNT(*) FROM meters WHERE principal_id = ? AND serial = ?)
                     + (SELECT COUNT(*) FROM house_meters WHERE principal_id = ? AND serial = ?)
                """, [id, serial, id, serial])
            if known == 0 { session.problem(record, "serial", "no meter of this principal with this serial") }
            guard once(record, "serial", "meter \(id) \(serial)", "the meter"),
                once(record, "rootGuid", "guid \(guid.lowercased())", "this GUID")
            else { return }
            pendingMeters.append([.integer(id), .text(serial), .text(guid.lowercased())])
            guids.append((guid.lowercased(), "meter \(id) \(serial)", record.line(of: "rootGuid"), "rootGuid"))
        case "principal":
            rows += 1
            guard let guid = f["orgPpaGuid"], let id = principal(record, "inn") else { return }
            guard once(record, "inn", "principal \(id)", "the principal"),
                once(record, "orgPpaGuid", "guid \(guid.lowercased())", "this GUID")
            else { return }
            pendingPrincipals.append([.integer(id), .text(guid.lowercased())])
            guids.append((guid.lowercased(), "principal \(id)", record.line(of: "orgPpaGuid"), "orgPpaGuid"))
        case "service":
            rows += 1
            guard let code = f["code"], let registry = f["registry"].flatMap({ Int64($0) }), let nsiCode = f["nsiCode"],
                let guid = f["nsiGuid"], let id = principal(record, "principalInn")
            else { return }
            if try connection.first("SELECT 1 FROM services WHERE principal_id = ? AND code = ?", [id, code]) == nil {
                session.problem(record, "code", "not a service of this principal")
            }
            guard once(record, "code", "service \(id) \(code)", "the service") else { return }
            pendingServices.append([
                .integer(id), .text(code), .integer(registry), .text(nsiCode), .text(guid.lowercased()),
            ])
        case "paymentInformation":
            rows += 1
            guard let bic = f["bic"], let account = f["account"], let guid = f["guid"] else { return }
            if !centerAccounts.contains("\(bic)|\(account)") {
                session.problem(record, "account", "not a settlement account the center has had (erc center show)")
            }
            guard once(record, "account", "payment \(bic) \(account)", "the account"),
                once(record, "guid", "guid \(guid.lowercased())", "this GUID")
            else { return }
            pendingPayments.append([.text(bic), .text(account), .text(guid.lowercased())])
            guids.append((guid.lowercased(), "payment \(bic) \(account)", record.line(of: "guid"), "guid"))
        case "document":
            rows += 1
            guard let account = f["account"], let period = f["period"], let id = f["documentId"] else { return }
            guard once(record, "period", "document \(account) \(period)", "this account's document of the period"),
                once(record, "documentId", "ipd \(id.lowercased())", "this ИПД")
            else { return }
            try documents.append(
                [.text(account), .text(period), .text(id), .integer(Int64(record.line))], session: session)
        case "footer":
            session.checkCount(record, "rowCount", "entries", rows)
        default: break
        }
        session.summary.rows = rows
    }

    /// Set checks of the staged accounts and documents: the account registered; no ЕЛС or GUID
    /// another account holds; a document of a billed ЕПД, its ИПД no other document's.
    func finishChecks() throws {
        try accounts.flush(session: session)
        try documents.flush(session: session)
        try checkGuids()
        if accounts.created {
            try connection.query(
                """
                SELECT s.line, CASE WHEN a.number IS NULL THEN 'unknown'
                                    WHEN g.account_number IS NOT NULL THEN 'taken' ELSE 'guid' END
                FROM \(accounts.name) s
                LEFT JOIN accounts a ON a.number = s.number
                LEFT JOIN gis_accounts g ON g.account_number <> s.number
                    AND UPPER(g.unified_account) = UPPER(s.unified_account)
                WHERE a.number IS NULL OR g.account_number IS NOT NULL
                ORDER BY s.line
                """
            ) { row in
                let (element, reason) =
                    switch try row.string(1) {
                    case "unknown": ("number", "no premises has this account")
                    default: ("unifiedAccountNumber", "another account has this ЕЛС")
                    }
                session.problem(line: try row.int(0), element: element, reason: reason)
            }
        }
        if documents.created {
            try connection.query(
                """
                SELECT s.line, CASE WHEN st.account_number IS NULL THEN 'unbilled' ELSE 'taken' END
                FROM \(documents.name) s
                LEFT JOIN statements st ON st.account_number = s.account_number AND st.period = s.period
                LEFT JOIN gis_documents d ON UPPER(d.document_id) = UPPER(s.document_id)
                    AND (d.account_number <> s.account_number OR d.period <> s.period)
                WHERE st.account_number IS NULL OR d.document_id IS NOT NULL
                ORDER BY s.line
                """
            ) { row in
                if try row.string(1) == "unbilled" {
                    session.problem(
                        line: try row.int(0), element: "period",
                        reason: "no ЕПД of this account was billed for the period")
                } else {
                    session.problem(
                        line: try row.int(0), element: "documentId", reason: "another document has this ИПД")
                }
            }
        }
    }

    /// No GUID of the file may name what another stored GUID names: an account's, a meter's, a
    /// principal's and the center's account's share one space.
    private func checkGuids() throws {
        let table = "erc_import_gis_guids"
        try connection.execute("DROP TABLE IF EXISTS \(table)")
        try connection.execute(
            "CREATE TEMPORARY TABLE \(table) (guid TEXT NOT NULL, owner TEXT NOT NULL, line BIGINT NOT NULL, element TEXT NOT NULL)"
        )
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(table)") }
        try connection.bulkInsert(
            into: table, columns: ["guid", "owner", "line", "element"],
            rows: guids.map { [.text($0.guid), .text($0.owner), .integer(Int64($0.line)), .text($0.element)] })
        if accounts.created {
            try connection.execute(
                """
                INSERT INTO \(table) (guid, owner, line, element)
                SELECT account_guid, 'account ' || number, line, 'accountGuid' FROM \(accounts.name)
                """)
        }
        try connection.query(
            """
            SELECT f.line, f.element, s.owner FROM \(table) f JOIN (
                SELECT account_guid AS guid, 'account ' || account_number AS owner FROM gis_accounts
                UNION ALL SELECT root_guid, 'meter ' || CAST(principal_id AS TEXT) || ' ' || serial FROM gis_meters
                UNION ALL SELECT org_ppa_guid, 'principal ' || CAST(principal_id AS TEXT) FROM gis_principals
                UNION ALL SELECT guid, 'payment ' || bic || ' ' || account FROM gis_payment_information
            ) s ON s.guid = f.guid AND s.owner <> f.owner
            ORDER BY f.line
            """
        ) { row in
            let owner = try row.string(2)
            let what =
                switch owner.split(separator: " ").first ?? "" {
                case "account": "an account"
                case "meter": "a meter"
                case "principal": "a principal"
                default: "the center's account"
                }
            session.problem(line: try row.int(0), element: try row.string(1), reason: "\(what) has this GUID already")
        }
    }

    func finish() throws {
        if accounts.created {
            try connection.execute(
                """
                INSERT INTO gis_accounts (account_number, unified_account, service_id, account_guid)
                SELECT number, unified_account, service_id, account_guid FROM \(accounts.name) WHERE true
                ON CONFLICT (account_number) DO UPDATE SET unified_account = excluded.unified_account,
                    service_id = excluded.service_id, account_guid = excluded.account_guid
                """)
            try accounts.drop(session: session)
        }
        if documents.created {
            try connection.execute(
                """
                INSERT INTO gis_documents (account_number, period, document_id)
                SELECT account_number, period, document_id FROM \(documents.name) WHERE true
                ON CONFLICT (account_number, period) DO UPDATE SET document_id = excluded.document_id
                """)
            try documents.drop(session: session)
        }
        for row in pendingMeters {
            try connection.execute(
                """
                INSERT INTO gis_meters (principal_id, serial, root_guid) VALUES (?, ?, ?)
                ON CONFLICT (principal_id, serial) DO UPDATE SET root_guid = excluded.root_guid
                """, row)
        }
        for row in pendingPrincipals {
            try connection.execute(
                """
                INSERT INTO gis_principals (principal_id, org_ppa_guid) VALUES (?, ?)
                ON CONFLICT (principal_id) DO UPDATE SET org_ppa_guid = excluded.org_ppa_guid
                """, row)
        }
        for row in pendingServices {
            try connection.execute(
                """
                INSERT INTO gis_services (principal_id, service_code, registry, nsi_code, nsi_guid) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (principal_id, service_code) DO UPDATE SET registry = excluded.registry,
                    nsi_code = excluded.nsi_code, nsi_guid = excluded.nsi_guid
                """, row)
        }
        for row in pendingPayments {
            try connection.execute(
                """
                INSERT INTO gis_payment_information (bic, account, guid) VALUES (?, ?, ?)
                ON CONFLICT (bic, account) DO UPDATE SET guid = excluded.guid
                """, row)
        }
    }
}
