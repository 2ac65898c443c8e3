import Core
import Storage

/// A principal's onboarding package: its requisites (each checked by the Core validators),
/// contacts, agency agreement and services. Registers the principal, or updates it when the
/// INN is known. A new or draft principal becomes active from the agreement's effective date;
/// a suspended or terminated one keeps its status.
final class PrincipalFileHandler: RecordHandler {
    let session: ImportSession
    var headerINN = ""
    var codes: Set<String> = []
    var serviceCount = 0

    init(session: ImportSession) {
        self.session = session
    }

    var connection: any Connection { session.connection }

    func header(_ record: XMLRecord) throws -> Bool {
        headerINN = record.fields["principalInn"] ?? ""
        return try session.begin(header: record, requirePrincipal: false)
    }

    func record(_ record: XMLRecord) throws {
        switch record.name {
        case "principal": try principal(record)
        case "agreement": try agreement(record)
        case "service": try service(record)
        case "footer": session.checkCount(record, "serviceCount", "services", serviceCount)
        default: break
        }
    }

    private func check(_ record: XMLRecord, _ field: String, _ body: () throws(RequisiteError) -> Void) {
        do { try body() } catch { session.problem(record, field, error.reason) }
    }

    private func principal(_ record: XMLRecord) throws {
        let f = record.fields
        guard let name = f["name"], let kind = f["kind"], let inn = f["inn"], let kpp = f["kpp"],
            let ogrn = f["ogrn"], let address = f["address"], let phone = f["phone"], let bankName = f["bankName"],
            let bic = f["bic"], let corr = f["correspondentAccount"], let account = f["account"]
        else { return }
        let email = f["email"]
        let contact = f["contactPerson"]
        let grace = f["graceDays"].flatMap { Int($0) }
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
        guard !session.hasProblems else { return }
        session.principalId = try connection.first(
            """
            INSERT INTO principals (inn, kpp, ogrn, name, kind, bank_name, bic, corr_account, account, address,
                                    phone, email, contact_person, grace_days, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft')
            ON CONFLICT (inn) DO UPDATE SET kpp = excluded.kpp, ogrn = excluded.ogrn, name = excluded.name,
                kind = excluded.kind, bank_name = excluded.bank_name, bic = excluded.bic,
                corr_account = excluded.corr_account, account = excluded.account,
                address = excluded.address, phone = excluded.phone, email = excluded.email,
                contact_person = excluded.contact_person, grace_days = excluded.grace_days
            RETURNING id
            """,
            [inn, kpp, ogrn, name, kind, bankName, bic, corr, account, address, phone, email, contact, grace]
        ).map { try $0.int64(0) }
        try session.recordImport(period: session.summary.period)
    }

    private func agreement(_ record: XMLRecord) throws {
        let f = record.fields
        guard let number = f["number"], let signed = f["signedOn"].flatMap(CalendarDate.init(iso:)),
            let from = f["effectiveFrom"].flatMap(CalendarDate.init(iso:)), let schedule = f["payoutSchedule"],
            let payee = f["payee"]
        else { return }
        let basisPoints = f["feeBasisPoints"].flatMap { Int($0) }
        let perPayment = f["feePerPayment"].flatMap { Int64($0) }
        if from < signed {
            session.problem(record, "effectiveFrom", "an agreement cannot take effect before it is signed")
        }
        guard !session.hasProblems, let principalId = session.principalId else { return }
        try connection.execute(
            """
            INSERT INTO agreements (principal_id, effective_from, number, signed_on, fee_basis_points,
                                    fee_per_payment, payout_schedule, payee)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (principal_id, effective_from) DO UPDATE SET number = excluded.number,
                signed_on = excluded.signed_on, fee_basis_points = excluded.fee_basis_points,
                fee_per_payment = excluded.fee_per_payment, payout_schedule = excluded.payout_schedule,
                payee = excluded.payee
            """,
            [principalId, from, number, signed, basisPoints, perPayment, schedule, payee])
        // With an agreement in hand, a new (draft) principal becomes active.
        let status = try connection.first("SELECT status FROM principals WHERE id = ?", [principalId])?.string(0)
        if status == PrincipalStatus.draft.rawValue {
            try PrincipalLifecycle(connection: connection).record(
                principalId: principalId, status: .active, on: from, reason: "agreement \(number)")
        }
    }

    private func service(_ record: XMLRecord) throws {
        serviceCount += 1
        session.summary.rows += 1
        let f = record.fields
        guard let code = f["code"], let name = f["name"], let unit = f["unit"] else { return }
        let calculation = f["calculation"].flatMap(Service.Calculation.init(rawValue:)) ?? .supplied
        let norm = f["norm"].flatMap { parseScaled($0, scale: 3) }
        let dueDay = f["readingsDueDay"].flatMap { Int($0) }
        let resource = f["resource"].flatMap(Service.Resource.init(rawValue:))
        let paymentDueDay = f["paymentDueDay"].flatMap { Int($0) }
        if norm == nil, calculation == .perResident {
            session.problem(record, "norm", "a per-resident service needs its norm per resident")
        }
        if calculation == .commonProperty, norm != nil {
            session.problem(
                record, "norm",
                "a common-property service takes its norms from the houses' data, not a norm per resident")
        }
        if calculation == .commonProperty, !CommonProperty.normElements.contains(where: { $0.resource == resource }) {
            session.problem(
                record, "resource",
                "a common-property service names the resource it charges for: cold-water, hot-water, electricity or sewerage"
            )
        }
        guard codes.insert(code).inserted else {
            session.problem(record, "code", "duplicate service code in the file")
            return
        }
        guard !session.hasProblems, let principalId = session.principalId else { return }
        try connection.execute(
            """
            INSERT INTO services (principal_id, code, name, unit, calculation, norm_milli, readings_due_day, resource,
                                  payment_due_day)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (principal_id, code) DO UPDATE SET name = excluded.name, unit = excluded.unit,
                calculation = excluded.calculation, norm_milli = excluded.norm_milli,
                readings_due_day = excluded.readings_due_day, resource = excluded.resource,
                payment_due_day = excluded.payment_due_day
            """,
            [
                principalId, code, name, unit, calculation.rawValue, norm, dueDay ?? 25, resource?.rawValue,
                paymentDueDay,
            ])
    }

    func finish() throws {}
}
