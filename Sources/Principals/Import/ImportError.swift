public import Core

/// One thing wrong with an input file, at a place a person can find: `file:line: element: reason`.
///
/// Reasons name what is wrong, not the values (no account numbers, names or sums): the line
/// number finds the row.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var element: String
    public var reason: String

    public init(file: String, line: Int, element: String, reason: String) {
        self.file = file
        self.line = line
        self.element = element
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(element): \(reason)" }
}

/// An import that stored nothing, with every problem found in the file.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let base: String
        private init(_ base: String) { self.base = base }
        /// The file could not be opened or read.
        public static let unreadable = Code("unreadable")
        /// The file is not a kind erc knows (root element, namespace).
        public static let unknownKind = Code("unknown kind")
        /// The file breaks the schema or a rule of meaning; see `problems`.
        public static let invalid = Code("invalid")
        /// The file id was used before for a different file.
        public static let fileIdReused = Code("file id reused")
        public var description: String { base }
    }

    public var code: Code
    public var file: String
    public var problems: [ImportProblem]
    /// What could be read of the file: its checksum and header, for the principal's report.
    public var sha256: String?
    public var principalINN: String?
    public var period: BillingPeriod?
    public var fileId: String?

    public init(code: Code, file: String, problems: [ImportProblem]) {
        self.code = code
        self.file = file
        self.problems = problems
    }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "\(file) rejected (\(code), \(count)), nothing stored - while importing (\(file))\n"
            + problems.map(\.description).joined(separator: "\n")
    }
}
