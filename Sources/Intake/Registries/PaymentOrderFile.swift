public import Billing
import Core

/// A refund's payment order in the 1C client-bank exchange format (`1CClientBankExchange`
/// 1.03, Windows-1251, CRLF): the format `erc payments statement` reads and the center's bank
/// client imports, one `СекцияДокумент=Платежное поручение` section, from the center's account to
/// the payer's.
public enum PaymentOrderFile {
    /// The file's text. The payee's bank name and correspondent account are written when given,
    /// or when the payee's bank is the center's (erc keeps no BIC directory).
    public static func text(_ order: RefundOrder, payeeBank: String? = nil, payeeCorrespondent: String? = nil) -> String
    {
        let center = order.payer
        let bank = center.bankDetails
        let date = order.date.russian
        // A payer with an account in the center's own bank: its name and correspondent account are known.
        let sameBank = order.payeeBIC == bank.bic.value
        let payeeBank = payeeBank ?? (sameBank ? bank.bankName : "")
        let payeeCorrespondent = payeeCorrespondent ?? (sameBank ? bank.correspondentAccount.value : "")
        let lines: [String] = [
            "1CClientBankExchange",
            "ВерсияФормата=1.03",
            "Кодировка=Windows",
            "Отправитель=erc",
            "Получатель=",
            "ДатаСоздания=\(date)",
            "ДатаНачала=\(date)",
            "ДатаКонца=\(date)",
            "РасчСчет=\(bank.account.value)",
            "Документ=Платежное поручение",
            "СекцияДокумент=Платежное поручение",
            "Номер=\(order.number)",
            "Дата=\(date)",
            "Сумма=\(order.amount.decimalString)",
            "ПлательщикСчет=\(bank.account.value)",
            "Плательщик=ИНН \(center.inn.value) \(center.name)",
            "ПлательщикИНН=\(center.inn.value)",
            "ПлательщикКПП=\(center.kpp.value)",
            "Плательщик1=\(center.name)",
            "ПлательщикРасчСчет=\(bank.account.value)",
            "ПлательщикБанк1=\(bank.bankName)",
            "ПлательщикБИК=\(bank.bic.value)",
            "ПлательщикКорсчет=\(bank.correspondentAccount.value)",
            "ПолучательСчет=\(order.payeeAccount)",
            "Получатель=\(order.payee)",
            "ПолучательИНН=\(order.payeeINN ?? "0")",
            "Получатель1=\(order.payee)",
            "ПолучательРасчСчет=\(order.payeeAccount)",
            "ПолучательБанк1=\(payeeBank)",
            "ПолучательБИК=\(order.payeeBIC)",
            "ПолучательКорсчет=\(payeeCorrespondent)",
            "ВидОплаты=01",
            "Очередность=5",
            "НазначениеПлатежа=\(order.purpose)",
            "КонецДокумента",
            "КонецФайла",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The file's bytes in Windows-1251; nil when a text has a character outside it.
    public static func bytes(
        _ order: RefundOrder, payeeBank: String? = nil, payeeCorrespondent: String? = nil
    ) -> [UInt8]? {
        CP1251.encode(text(order, payeeBank: payeeBank, payeeCorrespondent: payeeCorrespondent))
    }
}
