import ArgumentParser

@main
struct ERC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erc",
        abstract: "The unified settlement center (ЕРЦ): principals' files in, one ЕПД per premises out.",
        discussion: """
            erc imports principals' XML exchange files (validated against Schemas/), bills a month \
            into one statement per premises, and renders each statement as an A4 ЕПД PDF with a \
            GOST R 56042-2014 payment QR code.

            The database is erc.sqlite in the working directory unless --db or ERC_DATABASE_URL \
            names another SQLite file or a postgres:// URL. Migrations are applied on start.
            """,
        subcommands: [
            DemoCommand.self, DB.self, PrincipalsCommand.self, BillCommand.self, PeriodCommand.self, ReceiptsCommand.self,
            ReconcileCommand.self,
            BenchCommand.self,
        ]
    )
}
