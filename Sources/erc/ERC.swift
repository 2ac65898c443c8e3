import ArgumentParser

@main
struct ERC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erc",
        abstract: "The unified settlement center (ЕРЦ): principals' files in, one ЕПД per premises out.",
        discussion: """
            erc imports principals' XML exchange files (validated against Schemas/), banks' \
            payment registries and statements, bills a month into one statement per premises (calculated \
            charges, privileges, penalties, payments), and renders each statement as an A4 ЕПД \
            with GOST R 56042-2014 payment QR codes, in print-house batches or one at a time. \
            erc serve answers channels, infomats, principals and operators over HTTP (JSON, \
            Docs/openapi.json); erc reconcile gives the accountants' reports.

            The database is erc.sqlite in the working directory unless --db or ERC_DATABASE_URL \
            names another SQLite file or a postgres:// URL. Migrations are applied on start.
            """,
        subcommands: [
            DemoCommand.self, DB.self, PrincipalsCommand.self, ReadingsCommand.self, PaymentsCommand.self,
            BillCommand.self, PeriodCommand.self, ReceiptsCommand.self, ReconcileCommand.self, KeysCommand.self,
            ServeCommand.self, BenchCommand.self,
        ]
    )
}
