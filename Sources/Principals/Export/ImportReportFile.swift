import Core

/// Writes the XML report of one import for the principal (`import-report-1.xsd`): accepted,
/// already imported, or rejected with every problem.
public enum ImportReportFile {
    public enum Outcome: Sendable {
        case imported(ImportSummary)
        case rejected(ImportError)
    }

    /// `createdAt` is an explicit input (ISO 8601 with offset).
    public static func write(_ outcome: Outcome, createdAt: String, to path: String) throws(ExchangeWriteError) {
        let writer = try ExchangeWriter(path: path, root: ExchangeKind.importReport.rootElement)
        let inn: String?
        let period: BillingPeriod?
        let fileId: String?
        let sha256: String
        switch outcome {
        case .imported(let summary):
            (inn, period, fileId, sha256) = (summary.principalINN, summary.period, summary.fileId, summary.sha256)
        case .rejected(let error):
            (inn, period, fileId, sha256) = (error.principalINN, error.period, error.fileId, error.sha256 ?? "")
        }
        // Only values that fit the header's types: a rejected file may carry anything there.
        let validINN = inn.flatMap { $0.utf8.count == 10 || $0.utf8.count == 12 ? $0 : nil }
        let validId = fileId.flatMap {
            $0.utf8.count <= 64 && !$0.isEmpty
                && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } ? $0 : nil
        }
        try writer.recordSkippingNil(
            "header",
            ["principalInn": validINN, "period": period?.description, "fileId": validId, "createdAt": createdAt])
        let file: String
        let status: String
        let rows: Int
        var problems: [ImportProblem] = []
        switch outcome {
        case .imported(let summary):
            file = summary.file
            status = summary.alreadyImported ? "already-imported" : "accepted"
            rows = summary.rows
        case .rejected(let error):
            file = error.file
            status = "rejected"
            rows = 0
            problems = error.problems
        }
        let checksum = sha256.utf8.count == 64 ? sha256 : String(repeating: "0", count: 64)
        try writer.record("file", ["name": file, "sha256": checksum, "status": status, "rows": String(rows)])
        for problem in problems {
            try writer.record(
                "problem", ["line": String(problem.line), "element": problem.element, "reason": problem.reason])
        }
        try writer.record("footer", ["problemCount": String(problems.count)])
        try writer.close()
    }
}
