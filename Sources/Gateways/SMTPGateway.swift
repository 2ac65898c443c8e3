import CCurl

/// An e-mail to send: the envelope and the message as it goes over the wire (RFC 5322).
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var data: [UInt8]

    public init(from: String, to: String, data: [UInt8]) {
        self.from = from
        self.to = to
        self.data = data
    }
}

/// What the server said to a message.
public struct SMTPReply: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Accepted (2xx after the data).
        case sent
        /// Try again later: a 4xx reply, or no server to talk to.
        case temporary
        /// Never: a 5xx reply (a bad address, refused).
        case permanent
        /// Not this message's fault: the server cannot be used as asked (TLS required and not
        /// offered, a URL libcurl cannot use). Stop and say so.
        case unusable
    }

    public var outcome: Outcome
    /// The last reply code (0 when there was no reply at all).
    public var code: Int
    public var text: String
}

/// A transport of mail: the SMTP gateway, or what a test puts in its place.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) -> SMTPReply
}

/// SMTP through libcurl: `smtp://host:port` (STARTTLS when the server offers it, or required
/// with `requireTLS`) or `smtps://`, with a user and password when given. One connection a
/// message; each call is independent, so a failure never leaves a message half-known.
public struct SMTPGateway: MailTransport {
    public var url: String
    public var username: String?
    public var password: String?
    public var requireTLS: Bool
    /// Seconds to connect and to wait for each reply.
    public var timeout: Int

    public init(
        url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = false, timeout: Int = 60
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.timeout = timeout
    }

    /// Feeds the message to libcurl's upload.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    public func send(_ message: MailMessage) -> SMTPReply {
        guard let curl = curl_easy_init() else {
            return SMTPReply(outcome: .temporary, code: 0, text: "libcurl could not start")
        }
        defer { curl_easy_cleanup(curl) }
        let recipients: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "<\(message.to)>")
        defer { curl_slist_free_all(recipients) }
        let upload = Upload(message.data)
        var errors = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let result: CURLcode = withExtendedLifetime(upload) {
            let context = Unmanaged.passUnretained(upload).toOpaque()
            return errors.withUnsafeMutableBufferPointer { buffer in
                _ = erc_curl_set_string(curl, CURLOPT_URL, url)
                _ = erc_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(message.from)>")
                _ = erc_curl_set_list(curl, CURLOPT_MAIL_RCPT, recipients)
                _ = erc_curl_set_long(curl, CURLOPT_UPLOAD, 1)
                _ = erc_curl_set_long(curl, CURLOPT_INFILESIZE_LARGE, Int(message.data.count))
                _ = erc_curl_set_long(
                    curl, CURLOPT_USE_SSL, Int(requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
                _ = erc_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, timeout)
                _ = erc_curl_set_long(curl, CURLOPT_TIMEOUT, timeout * 5)
                _ = erc_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
                if let username { _ = erc_curl_set_string(curl, CURLOPT_USERNAME, username) }
                if let password { _ = erc_curl_set_string(curl, CURLOPT_PASSWORD, password) }
                _ = erc_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, buffer.baseAddress)
                _ = erc_curl_set_pointer(curl, CURLOPT_READDATA, context)
                _ = erc_curl_set_read(curl) { target, size, count, context in
                    guard let target, let context else { return 0 }
                    let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
                    let part = min(size * count, upload.bytes.count - upload.offset)
                    upload.bytes.withUnsafeBytes { source in
                        UnsafeMutableRawPointer(target).copyMemory(
                            from: source.baseAddress! + upload.offset, byteCount: part)
                    }
                    upload.offset += part
                    return part
                }
                return curl_easy_perform(curl)
            }
        }
        var code = 0
        _ = erc_curl_response_code(curl, &code)
        let detail = String(decoding: errors.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
        let text = code > 0 ? "\(code) \(reason)" : reason
        if result == CURLE_OK { return SMTPReply(outcome: .sent, code: code, text: "\(code) accepted") }
        if result == CURLE_USE_SSL_FAILED || result == CURLE_URL_MALFORMAT || result == CURLE_UNSUPPORTED_PROTOCOL
            || result == CURLE_LOGIN_DENIED
        {
            return SMTPReply(outcome: .unusable, code: code, text: text)
        }
        switch code {
        case 500...599: return SMTPReply(outcome: .permanent, code: code, text: text)
        default: return SMTPReply(outcome: .temporary, code: code, text: text)
        }
    }
}
