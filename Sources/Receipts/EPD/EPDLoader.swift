import Billing
public import Core
import Principals
public import Storage

/// Billed statements as ЕПД documents: Billing's ``StatementReader`` reads them, this maps each
/// to the document with the center's requisites and the due date of the rates, streaming one at
/// a time.
///
/// The requisites are the center's as in force on the first day of the month after the period
/// (the month the ЕПД is delivered and paid in), from ``CenterBook``; a period with none in force
/// is refused with ``CenterNotSetError``, which names the command that sets them.
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

    let connection: any Connection
    let reader: StatementReader
    /// Requisites given by the caller instead of the stored ones (tests, benchmarks).
    let fixedCenter: Center?

    public init(connection: any Connection, center: Center? = nil) {
        self.connection = connection
        reader = StatementReader(connection: connection)
        fixedCenter = center
    }

    /// The center's requisites for the ЕПД of `period`, or the error that says how to set them.
    public func center(for period: BillingPeriod) throws -> Center {
        if let fixedCenter { return fixedCenter }
        return try CenterBook(connection: connection).required(on: period.next.firstDay)
    }

    /// Calls `body` with each selected document of the period, in delivery order.
    public func forEachDocument(
        period: BillingPeriod, _ selection: Selection, _ body: (EPDDocument) throws -> Void
    ) throws {
        let center = try center(for: period)
        let calendar = try RatesBook(connection: connection).calendar()
        let dueDate = calendar.dueDate(for: period)
        try reader.forEachStatement(period: period, selection.statements) { statement in
            var epd = document(statement, center: center)
            epd.dueDate = dueDate
            // A service due on a day of its own says so in its principal's block.
            for (block, principal) in statement.principals.enumerated() {
                for (index, line) in principal.lines.enumerated() {
                    guard let day = line.paymentDueDay else { continue }
                    let own = calendar.dueDate(for: period, day: day)
                    if own != dueDate { epd.principals[block].lines[index].dueDate = own }
                }
            }
            try body(epd)
        }
    }

    /// The document of a statement.
    func document(_ statement: BilledStatement, center: Center) -> EPDDocument {
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
                        printed.opening = line.opening
                        printed.penalties = line.penalties
                        printed.method = line.method
                        printed.methodNote = line.methodNote
                        printed.privilegeNote = line.privilegeNote
                        printed.isCommonProperty = line.isCommonProperty
                        return printed
                    },
                    correspondentAccount: principal.correspondentAccount, paidToOwnAccount: principal.paidToOwnAccount)
            })
        epd.recalculations = statement.recalculations.map {
            EPDDocument.Recalculation(
                principalName: $0.principalName, serviceName: $0.serviceName, isPenalty: $0.isPenalty,
                amount: $0.amount, reason: $0.reason)
        }
        epd.house = statement.house.map { house in
            EPDDocument.HouseFigures(
                commonAreaCenti: house.commonAreaCenti, premisesAreaCenti: house.premisesAreaCenti,
                resources: house.resources.map {
                    EPDDocument.HouseFigures.Resource(
                        resource: $0.resource, normMicro: $0.normMicro, meterMilli: $0.meterMilli,
                        individualMilli: $0.individualMilli, commonMilli: $0.commonMilli, carriedMilli: $0.carriedMilli)
                })
        }
        epd.unifiedAccount = statement.unifiedAccount
        epd.documentId = statement.documentId
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
