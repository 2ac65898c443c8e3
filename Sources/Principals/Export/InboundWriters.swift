public import Core

/// Writes a principal's onboarding file.
public final class PrincipalFileWriter: ExchangeFileWriter {
    public init(
        path: String, header: ExchangeHeader, principal: Principal, agreement: AgencyAgreement
    ) throws(ExchangeWriteError) {
        try super.init(kind: .principal, path: path, header: header)
        let bank = principal.bankDetails
        try writer.recordSkippingNil(
            "principal",
            [
                "name": principal.name, "kind": principal.kind.rawValue, "inn": principal.inn.value,
                "kpp": principal.kpp.value, "ogrn": principal.ogrn.value, "address": principal.address,
                "phone": principal.phone, "email": principal.email, "contactPerson": principal.contactPerson,
                "bankName": bank.bankName, "bic": bank.bic.value,
                "correspondentAccount": bank.correspondentAccount.value,
                "account": bank.account.value, "graceDays": principal.graceDays.map { String($0) },
            ])
        var basisPoints: String?
        var perPayment: String?
        switch agreement.fee {
        case .basisPoints(let points): basisPoints = String(points)
        case .perPayment(let sum): perPayment = String(sum.kopecks)
        }
        try writer.recordSkippingNil(
            "agreement",
            [
                "number": agreement.number, "signedOn": agreement.signedOn.description,
                "effectiveFrom": agreement.effectiveFrom.description, "feeBasisPoints": basisPoints,
                "feePerPayment": perPayment, "payoutSchedule": agreement.payoutSchedule.rawValue,
                "payee": agreement.payee.rawValue,
            ])
    }

    public func add(_ service: Service) throws(ExchangeWriteError) {
        try record(
            "service",
            [
                "code": service.code, "name": service.name, "unit": service.unit,
                "calculation": service.calculation == .supplied ? nil : service.calculation.rawValue,
                "norm": service.normMilli.map(decimal3), "readingsDueDay": service.readingsDueDay.map { String($0) },
                "resource": service.resource?.rawValue, "paymentDueDay": service.paymentDueDay.map { String($0) },
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: ["serviceCount": String(rows)])
    }
}

/// Writes a principal's accounts registry: houses first, then accounts, then balances.
public final class AccountsFileWriter: ExchangeFileWriter {
    private var counts = (houses: 0, accounts: 0, balances: 0, privileges: 0)
    private var balanceTotal = Money.zero

    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .accounts, path: path, header: header)
    }

    public func add(_ house: House) throws(ExchangeWriteError) {
        counts.houses += 1
        let common = house.commonProperty
        func norm(_ resource: Service.Resource) -> String? { common?.normsMicro[resource].map(decimal6) }
        try record(
            "house",
            [
                "code": house.code, "postalCode": house.postalCode, "city": house.city, "street": house.street,
                "number": house.number, "commonArea": common.map { decimal2($0.commonAreaCenti) },
                "premisesArea": common.map { decimal2($0.premisesAreaCenti) },
                "management": common?.management.rawValue,
                "ownersDecision": common.flatMap { $0.method == .norm ? nil : $0.method.rawValue },
                "commonNormColdWater": norm(.coldWater), "commonNormHotWater": norm(.hotWater),
                "commonNormElectricity": norm(.electricity), "commonNormSewerage": norm(.sewerage),
            ])
    }

    public func add(_ premises: Premises) throws(ExchangeWriteError) {
        counts.accounts += 1
        try record(
            "account",
            [
                "number": premises.account.value, "principalAccount": premises.principalAccount,
                "house": premises.houseCode, "entrance": String(premises.entrance), "apartment": premises.apartment,
                "area": decimal2(premises.areaCenti), "residents": String(premises.residents),
                "owner": premises.ownerName, "ownerSince": premises.ownerSince?.description,
                "email": premises.delivery?.email, "delivery": premises.delivery?.delivery.rawValue,
                "consentedOn": premises.delivery?.consentedOn.description,
            ])
    }

    public func add(_ balance: OpeningBalance) throws(ExchangeWriteError) {
        counts.balances += 1
        balanceTotal += balance.amount
        try record(
            "balance",
            [
                "account": balance.account.value, "service": balance.serviceCode,
                "amount": String(balance.amount.kopecks), "since": balance.since?.description,
            ])
    }

    public func add(_ privilege: Privilege) throws(ExchangeWriteError) {
        counts.privileges += 1
        try record(
            "privilege",
            [
                "account": privilege.account.value, "service": privilege.serviceCode, "category": privilege.category,
                "residents": String(privilege.residents),
                "percent": privilege.fixedAmount == nil ? String(privilege.percent) : nil,
                "areaNorm": privilege.areaNormCenti.map(decimal2),
                "fixedAmount": privilege.fixedAmount.map { String($0.kopecks) },
                "from": privilege.from.description, "until": privilege.until?.description,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        let houses = String(counts.houses)
        let accounts = String(counts.accounts)
        let balances = String(counts.balances)
        let total = String(balanceTotal.kopecks)
        // The privilege count is optional: a registry without privileges leaves it out.
        if counts.privileges == 0 {
            try finish(footer: [
                "houseCount": houses, "accountCount": accounts, "balanceCount": balances, "balanceTotal": total,
            ])
        } else {
            try finish(footer: [
                "houseCount": houses, "accountCount": accounts, "balanceCount": balances, "balanceTotal": total,
                "privilegeCount": String(counts.privileges),
            ])
        }
    }
}

/// Writes a principal's meter registry.
public final class MetersFileWriter: ExchangeFileWriter {
    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .meters, path: path, header: header)
    }

    public func add(_ meter: Meter) throws(ExchangeWriteError) {
        try record(
            "meter",
            [
                "serial": meter.serial, "account": meter.account.value, "service": meter.serviceCode,
                "digits": String(meter.digits), "installedOn": meter.installedOn.description,
                "verifiedUntil": meter.verifiedUntil.description,
                "initialReading": meter.initialReadingMilli.map(decimal3),
                "removedOn": meter.removedOn?.description,
            ])
    }

    private var houseMeters = 0

    /// A house meter (ОДПУ); after the premises' meters.
    public func add(_ meter: HouseMeter) throws(ExchangeWriteError) {
        houseMeters += 1
        try record(
            "houseMeter",
            [
                "serial": meter.serial, "house": meter.houseCode, "service": meter.serviceCode,
                "digits": String(meter.digits), "installedOn": meter.installedOn.description,
                "verifiedUntil": meter.verifiedUntil.description,
                "initialReading": meter.initialReadingMilli.map(decimal3), "removedOn": meter.removedOn?.description,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        if houseMeters == 0 {
            try finish(footer: ["meterCount": String(rows)])
        } else {
            try finish(footer: ["meterCount": String(rows - houseMeters), "houseMeterCount": String(houseMeters)])
        }
    }
}

/// Writes a principal's tariffs.
public final class TariffsFileWriter: ExchangeFileWriter {
    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .tariffs, path: path, header: header)
    }

    public func add(_ tariff: Tariff) throws(ExchangeWriteError) {
        try record(
            "tariff",
            [
                "service": tariff.serviceCode, "effectiveFrom": tariff.effectiveFrom.description,
                "price": String(tariff.price.kopecks),
                "componentPrice": tariff.component.map { String($0.price.kopecks) },
                "componentFactor": tariff.component.map { decimal6($0.factorMicro) },
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: ["tariffCount": String(rows)])
    }
}

/// Writes a principal's charges of a period and its recalculations of earlier ones.
public final class ChargesFileWriter: ExchangeFileWriter {
    private var chargeTotal = Money.zero
    private var recalculationTotal = Money.zero

    public init(path: String, header: ExchangeHeader) throws(ExchangeWriteError) {
        try super.init(kind: .charges, path: path, header: header)
    }

    public func add(_ charge: Charge) throws(ExchangeWriteError) {
        chargeTotal += charge.amount
        try record(
            "charge",
            [
                "account": charge.account.value, "service": charge.serviceCode, "volume": decimal3(charge.volumeMilli),
                "tariff": String(charge.tariff.kopecks), "amount": String(charge.amount.kopecks),
            ])
    }

    public func add(_ recalculation: Recalculation) throws(ExchangeWriteError) {
        recalculationTotal += recalculation.amount
        try record(
            "recalculation",
            [
                "account": recalculation.account.value, "service": recalculation.serviceCode,
                "forPeriod": recalculation.forPeriod.description, "amount": String(recalculation.amount.kopecks),
                "reason": recalculation.reason,
            ])
    }

    public func finish() throws(ExchangeWriteError) {
        try finish(footer: [
            "rowCount": String(rows), "chargeTotal": String(chargeTotal.kopecks),
            "recalculationTotal": String(recalculationTotal.kopecks),
        ])
    }
}
