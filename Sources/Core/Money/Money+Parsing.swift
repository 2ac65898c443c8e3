extension Money {
    /// Parses an amount in roubles written by a person or a bank: `1234.56`, `1 234,56`,
    /// `-15,5`, `1234`. Spaces (plain and no-break) may group thousands; the decimal separator
    /// is a point or a comma with at most two digits after it. Returns nil for anything else,
    /// including exponents, several separators or more than two decimals.
    public init?(parsing text: String) {
        var scalars = Substring(text).unicodeScalars.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" }[...]
        guard !scalars.isEmpty else { return nil }
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars = scalars.dropFirst()
        }
        var roubles: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var integerDigits = 0
        var seenSeparator = false
        for scalar in scalars {
            switch scalar {
            case "0"..."9":
                let digit = Int64(scalar.value - 48)
                if seenSeparator {
                    fractionDigits += 1
                    guard fractionDigits <= 2 else { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    integerDigits += 1
                    guard integerDigits <= 16 else { return nil }
                    roubles = roubles * 10 + digit
                }
            case ".", ",":
                guard !seenSeparator else { return nil }
                seenSeparator = true
            default:
                return nil
            }
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return nil }
        if seenSeparator && fractionDigits == 0 { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        let value = roubles * 100 + fraction
        self.init(kopecks: negative ? -value : value)
    }
}
