public import Principals

/// One line on what importing a principal's file did, as the commands print it.
public func describe(_ summary: ImportSummary) -> String {
    if summary.alreadyImported {
        return "\(summary.file): already imported (file id \(summary.fileId)), nothing changed"
    }
    switch summary.kind {
    case .principal:
        return "\(summary.file): principal \(summary.principalINN) registered with \(summary.rows) services"
    case .charges:
        let period = summary.period.map { " for \($0)" } ?? ""
        let corrected =
            summary.replacedFileId.map {
                "; replaces \($0): \(summary.differences) differences posted as recalculations, \(summary.difference) руб."
            } ?? ""
        return "\(summary.file): \(summary.rows) rows\(period), total \(summary.total) руб.\(corrected)"
    case .center:
        return "\(summary.file): \(summary.rows) version(s) of the center's requisites (INN \(summary.principalINN))"
    case .rates:
        return "\(summary.file): \(summary.rows) rate rows of the center \(summary.principalINN)"
    case .gisIds:
        return "\(summary.file): \(summary.rows) identifiers from ГИС ЖКХ (the center \(summary.principalINN))"
    default:
        return "\(summary.file): \(summary.rows) \(summary.kind) of principal \(summary.principalINN)"
    }
}
