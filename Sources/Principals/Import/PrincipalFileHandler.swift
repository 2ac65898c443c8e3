import Core
import Storage

/// A principal's onboarding file: its requisites, checked by the Core validators, and its
/// services with tariffs. Registers the principal, or updates it when the INN is known.
final class PrincipalFileHandler: RecordHandler {
    let session: ImportSession
    var headerINN = ""
    var codes: Set<String> = []
    var serviceCount = 0

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) -> Bool {
        headerINN = record.fields["principalInn"] ?? ""
        return session.begin(header: record, requirePrincipal: false)
    }

    func record(_ record: XMLRecord) {
        switch record.name {
        case "principal": principal(record)
        case "service": service(record)
        case "footer":
            if let said = record.fields["serviceCount"].flatMap({ Int($0) }), said != serviceCount {
                session.problem(record, "serviceCount", "says \(said) services, the file has \(serviceCount)")
            }
        default: break
        }
    }

    private func check(_ record: XMLRecord, _ field: String, _ body: () throws(RequisiteError) -> Void) {
        do { try body() } catch { session.problem(record, field, error.reason) }
    }

    private func principal(_ record: XMLRecord) {
        let f = record.fields
        guard let name = f["name"], let kind = f["kind"], let inn = f["inn"], let kpp = f["kpp"],
            let ogrn = f["ogrn"], let address = f["address"], let phone = f["phone"], let bankName = f["bankName"],
            let bic = f["bic"], let corr = f["correspondentAccount"], let account = f["account"]
        else { return }
        check(record, "inn") { () throws(RequisiteError) in _ = try INN(inn) }
        if inn != headerINN {
            session.problem(record, "inn", "differs from the header's principalInn")
        }
        check(record, "kpp") { () throws(RequisiteError) in _ = try KPP(kpp) }
        check(record, "ogrn") { () throws(RequisiteError) in _ = try OGRN(ogrn) }
        var bankBIC: BIC?
        check(record, "bic") { () throws(RequisiteError) in bankBIC = try BIC(bic) }
        if let bankBIC {
            check(record, "correspondentAccount") { () throws(RequisiteError) in
                _ = try BankAccount(correspondent: corr, bic: bankBIC)
            }
            check(record, "account") { () throws(RequisiteError) in _ = try BankAccount(account, bic: bankBIC) }
        }
        guard session.problems.isEmpty else { return }
        session.store {
            session.principalId = try connection.first(
                """
                INSERT INTO principals (inn, kpp, ogrn, name, kind, bank_name, bic, corr_account, account, address, phone)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (inn) DO UPDATE SET kpp = excluded.kpp, ogrn = excluded.ogrn, name = excluded.name,
                    kind = excluded.kind, bank_name = excluded.bank_name, bic = excluded.bic,
                    corr_account = excluded.corr_account, account = excluded.account,
                    address = excluded.address, phone = excluded.phone
                RETURNING id
                """,
                [inn, kpp, ogrn, name, kind, bankName, bic, corr, account, address, phone]
            ).map { try $0.int64(0) }
        }
        session.recordImport(period: nil)
    }

    private func service(_ record: XMLRecord) {
        serviceCount += 1
        session.summary.rows += 1
        let f = record.fields
        guard let code = f["code"], let name = f["name"], let unit = f["unit"],
            let tariff = f["tariff"].flatMap({ Int64($0) }),
            let from = f["tariffFrom"].flatMap(CalendarDate.init(iso:))
        else { return }
        guard codes.insert(code).inserted else {
            session.problem(record, "code", "duplicate service code in the file")
            return
        }
        if tariff < 0 {
            session.problem(record, "tariff", "must not be negative")
        }
        guard session.problems.isEmpty, let principalId = session.principalId else { return }
        session.store {
            try connection.execute(
                """
                INSERT INTO services (principal_id, code, name, unit) VALUES (?, ?, ?, ?)
                ON CONFLICT (principal_id, code) DO UPDATE SET name = excluded.name, unit = excluded.unit
                """,
                [principalId, code, name, unit])
            try connection.execute(
                """
                INSERT INTO tariffs (principal_id, service_code, effective_from, price) VALUES (?, ?, ?, ?)
                ON CONFLICT (principal_id, service_code, effective_from) DO UPDATE SET price = excluded.price
                """,
                [principalId, code, from, tariff])
        }
    }

    func finish() {}
}
