import Core
import Storage

/// The center's requisites, each version with the day it takes effect: every field checked
/// (check digits, accounts against the BIC), stored only when the whole file holds.
final class CenterFileHandler: RecordHandler {
    let session: ImportSession
    var versions: [(day: CalendarDate, center: Center)] = []
    var days: Set<CalendarDate> = []
    var innsInFile: [(inn: String, line: Int)] = []
    var headerINN = ""
    var headerLine = 0
    var known: Set<String> = []

    init(session: ImportSession) {
        self.session = session
    }

    func header(_ record: XMLRecord) throws -> Bool {
        known = Set(try CenterBook(connection: session.connection).history().map(\.center.inn.value))
        headerINN = record.fields["centerInn"] ?? ""
        headerLine = record.line(of: "centerInn")
        // The first center file names the center it sets; later ones must come from it.
        return try session.beginSettings(header: record, innsAllowed: known.isEmpty ? nil : known)
    }

    func record(_ record: XMLRecord) throws {
        guard record.name == "center" else { return }
        session.summary.rows += 1
        var fields = CenterFields()
        fields.name = record.fields["name"] ?? ""
        fields.inn = record.fields["inn"] ?? ""
        fields.kpp = record.fields["kpp"] ?? ""
        fields.ogrn = record.fields["ogrn"] ?? ""
        fields.address = record.fields["address"] ?? ""
        fields.phone = record.fields["phone"] ?? ""
        fields.email = record.fields["email"] ?? ""
        fields.website = record.fields["website"] ?? ""
        fields.bankName = record.fields["bankName"] ?? ""
        fields.bic = record.fields["bic"] ?? ""
        fields.correspondentAccount = record.fields["correspondentAccount"] ?? ""
        fields.account = record.fields["account"] ?? ""
        fields.paymentWays = record.fields["paymentWays"] ?? ""
        fields.readingWays = record.fields["readingWays"] ?? ""
        innsInFile.append((fields.inn, record.line(of: "inn")))
        guard let day = record.fields["effectiveFrom"].flatMap(CalendarDate.init(iso:)) else { return }
        if !days.insert(day).inserted {
            session.problem(record, "effectiveFrom", "duplicate: another center in the file takes effect on \(day)")
        }
        switch fields.checked() {
        case .success(let center): versions.append((day, center))
        case .failure(let problems):
            for problem in problems.problems { session.problem(record, problem.field, problem.reason) }
        }
    }

    func finishChecks() throws {
        // The header names the center that sends the file: one it has been, or the one it sets.
        if known.isEmpty, !innsInFile.contains(where: { $0.inn == headerINN }) {
            session.problem(
                line: headerLine, element: "centerInn", reason: "is not the INN of the center the file sets")
        }
    }

    func finish() throws {
        let book = CenterBook(connection: session.connection)
        for version in versions.sorted(by: { $0.day < $1.day }) {
            try book.set(
                version.center, from: version.day, source: "file \(session.file) (id \(session.summary.fileId))")
        }
    }
}
