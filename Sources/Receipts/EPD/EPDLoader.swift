import Billing
public import Core
public import Storage

/// Billed statements as ЕПД documents: Billing's ``StatementReader`` reads them, this maps each
/// to the document with the center's requisites, streaming one at a time.
public struct EPDLoader {
    public enum Selection: Sendable, Hashable {
        case account(PersonalAccountNumber)
        /// Positions in the delivery order, from 1.
        case delivery(ClosedRange<Int>)

        var statements: StatementReader.Selection {
            switch self {
            case .account(let account): .account(account)
            case .delivery(let range): .delivery(range)
            }
        }
    }

    let reader: StatementReader
    let center: Center

    public init(connection: any Connection, center: Center) {
        reader = StatementReader(connection: connection)
        self.center = center
    }

    /// Calls `body` with each selected document of the period, in delivery order.
    public func forEachDocument(
        period: BillingPeriod, _ selection: Selection, _ body: (EPDDocument) throws -> Void
    ) throws {
        try reader.forEachStatement(period: period, selection.statements) { try body(document($0)) }
    }

    /// The document of a statement.
    func document(_ statement: BilledStatement) -> EPDDocument {
        let premises = statement.premises
        var epd = EPDDocument(
            period: statement.period, account: premises.account, ownerName: premises.ownerName,
            address: "\(premises.postalCode), г. \(premises.city), \(premises.street), д. \(premises.houseNumber), "
                + "кв. \(premises.apartment)",
            postalCode: premises.postalCode, street: premises.street, houseNumber: premises.houseNumber,
            entrance: premises.entrance, apartment: premises.apartment, areaCenti: premises.areaCenti,
            residents: premises.residents, center: center,
            principals: statement.principals.map { principal in
                EPDDocument.PrincipalBlock(
                    name: principal.name, inn: principal.inn, kpp: principal.kpp, bankName: principal.bankName,
                    bic: principal.bic, account: principal.account, phone: principal.phone,
                    lines: principal.lines.map { line in
                        var printed = EPDDocument.Line(
                            serviceName: line.serviceName, unit: line.unit, volumeMilli: line.volumeMilli,
                            tariff: line.tariff, amount: line.amount, recalculated: line.recalculated,
                            privileges: line.privileges)
                        printed.closing = line.closing
                        printed.normMilli = line.normMilli
                        return printed
                    },
                    correspondentAccount: principal.correspondentAccount, paidToOwnAccount: principal.paidToOwnAccount)
            })
        epd.opening = statement.opening
        epd.paid = statement.paid
        epd.penalties = statement.penalties
        epd.meters = statement.meters.map { meter in
            EPDDocument.MeterLine(
                serviceName: meter.serviceName, serial: meter.serial, unit: meter.unit,
                previous: meter.previous.map { .init(valueMilli: $0.valueMilli, takenOn: $0.takenOn) },
                current: meter.current.map { .init(valueMilli: $0.valueMilli, takenOn: $0.takenOn) },
                verifiedUntil: meter.verifiedUntil)
        }
        epd.readingsDueDay = statement.principals.flatMap(\.lines).map(\.readingsDueDay).reduce(epd.readingsDueDay, min)
        return epd
    }
}
