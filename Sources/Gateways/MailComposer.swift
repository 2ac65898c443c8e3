public import Foundation

/// An e-mail with a text and one attachment, as MIME (RFC 2045-2049): the text in UTF-8
/// (quoted by base64), the attachment in base64, the subject and the sender's name as encoded
/// words (RFC 2047).
public struct MailComposer: Sendable {
    public var fromName: String
    public var fromAddress: String

    public init(fromName: String, fromAddress: String) {
        self.fromName = fromName
        self.fromAddress = fromAddress
    }

    /// `=?UTF-8?B?...?=` for a header's non-ASCII text.
    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value > 0x7E || $0.value < 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// The RFC 5322 date of `date`, in UTC.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    public func compose(
        to: String, subject: String, text: String, attachment: [UInt8], attachmentName: String, messageId: String,
        date: Date
    ) -> MailMessage {
        let boundary = "erc-\(messageId.filter { $0.isLetter || $0.isNumber })"
        var lines = [
            "From: \(Self.encodedWord(fromName)) <\(fromAddress)>",
            "To: <\(to)>",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.date(date))",
            "Message-ID: \(messageId)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Data(text.utf8).base64EncodedString(options: .lineLength76Characters).components(separatedBy: "\r\n")
        lines += [
            "",
            "--\(boundary)",
            "Content-Type: application/pdf; name=\"\(attachmentName)\"",
            "Content-Disposition: attachment; filename=\"\(attachmentName)\"",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Data(attachment).base64EncodedString(options: .lineLength76Characters).components(separatedBy: "\r\n")
        lines += ["", "--\(boundary)--", ""]
        return MailMessage(from: fromAddress, to: to, data: Array(lines.joined(separator: "\r\n").utf8))
    }
}
