/// Text the ЕПД prints and a payment code carries (a name, an address): what it may hold.
public enum PrintedText {
    /// Why `text` cannot be printed, or nil: empty (or only spaces), longer than `limit`, with a
    /// control character, or with a character the ЕПД's one-byte font and a CP1251 payment code
    /// cannot carry. The reason reads after the field's name ("is empty; the ЕПД prints it").
    public static func problem(_ text: String, limit: Int) -> String? {
        if text.allSatisfy(\.isWhitespace) { return "is empty; the ЕПД prints it" }
        if text.count > limit { return "is \(text.count) characters, more than \(limit)" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "has a control character (a tab, a line break)"
        }
        if CP1251.encode(text) == nil {
            let odd = text.first { CP1251.encode(String($0)) == nil }.map { "«\($0)»" } ?? "a character"
            return "has \(odd), which the ЕПД's font and a CP1251 payment code cannot carry"
        }
        return nil
    }

    /// `text` with its runs of white space (spaces, tabs, no-break spaces) as single spaces and
    /// none around it.
    public static func normalized(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
