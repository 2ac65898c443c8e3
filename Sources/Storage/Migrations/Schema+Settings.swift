public import Core

extension Schema {
    /// The center's own settings (dated requisites), the legal rates as dated rows with their
    /// revisions, the files both came from (recorded without a principal), and the revision of
    /// the rates each billing run used.
    static let settings = """
        CREATE TABLE settings_files (
            id {{id}},
            kind TEXT NOT NULL,
            file_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            center_inn TEXT NOT NULL,
            created_at TEXT NOT NULL,
            file_name TEXT NOT NULL,
            row_count BIGINT NOT NULL,
            imported_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            UNIQUE (kind, file_id)
        );
        CREATE TABLE center_settings (
            id {{id}},
            effective_from TEXT NOT NULL,
            name TEXT NOT NULL,
            inn TEXT NOT NULL,
            kpp TEXT NOT NULL,
            ogrn TEXT NOT NULL,
            bank_name TEXT NOT NULL,
            bic TEXT NOT NULL,
            correspondent_account TEXT NOT NULL,
            account TEXT NOT NULL,
            address TEXT NOT NULL,
            phones TEXT NOT NULL,
            email TEXT NOT NULL,
            website TEXT NOT NULL,
            payment_ways TEXT NOT NULL,
            reading_ways TEXT NOT NULL,
            source TEXT NOT NULL,
            recorded_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        CREATE TABLE rate_revisions (
            revision BIGINT PRIMARY KEY,
            source TEXT NOT NULL,
            settings_file BIGINT,
            recorded_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        CREATE TABLE legal_rates (
            id {{id}},
            kind TEXT NOT NULL,
            from_day TEXT NOT NULL,
            through_day TEXT,
            value BIGINT,
            basis TEXT NOT NULL,
            added_in BIGINT NOT NULL,
            retired_in BIGINT
        );
        CREATE INDEX legal_rates_kind_from ON legal_rates (kind, from_day);
        ALTER TABLE billing_runs ADD COLUMN rates_revision BIGINT;
        INSERT INTO rate_revisions (revision, source) VALUES (1, 'the rates erc ships, as checked on 2026-11-30');

        """
        + defaultRates.map { row in
            let through = row.through.map { "'\($0)'" } ?? "NULL"
            let value = row.value.map(String.init) ?? "NULL"
            return """
                INSERT INTO legal_rates (kind, from_day, through_day, value, basis, added_in) \
                VALUES ('\(row.kind)', '\(row.from)', \(through), \(value), '\(row.basis)', 1);
                """
        }.joined(separator: "\n")

    /// The rows erc ships (../shared/DOMAIN.md §0 and §3.2, law-2026.md §2 and §8). A change is
    /// a rates file, never an edit here: a database made before keeps what it was given.
    static let defaultRates: [(kind: String, from: String, through: String?, value: Int?, basis: String)] =
        keyRates.map {
            ("key-rate", $0.from, nil, $0.basisPoints, "Решение Совета директоров Банка России от \($0.decided)")
        }
        + [
            (
                "rate-cap", "2022-02-28", "2026-12-31", 950,
                "ПП РФ 26.03.2022 № 474, 23.09.2022 № 1681, 28.12.2022 № 2479, 29.12.2023 № 2382, 18.03.2025 № 329"
            ),
            ("moratorium", "2020-04-06", "2020-12-31", nil, "ПП РФ 02.04.2020 № 424"),
            ("moratorium", "2022-04-01", "2022-10-01", nil, "ПП РФ 28.03.2022 № 497"),
            ("due-day", "2000-01-01", nil, 10, "ЖК РФ ст. 155 ч. 1 (до 177-ФЗ)"),
            (
                "due-day", "2026-02-01", nil, 15,
                "ЖК РФ ст. 155 ч. 1 в ред. 177-ФЗ от 24.06.2025; письмо Минстроя России 20.02.2026 № 9202-ДН/04"
            ),
            ("grace-days", "2016-01-01", nil, 30, "ЖК РФ ст. 155 ч. 14 в ред. 307-ФЗ"),
            ("payment-day", "2016-01-01", nil, 1, "ЖК РФ ст. 155 ч. 14: по день фактической оплаты включительно"),
            (
                "after-cap", "2027-01-01", nil, 0,
                "ПП РФ 18.03.2025 № 329: буквальное прочтение, дни до 31.12.2026 по пределу"
            ),
        ] + nonWorkingDays.map { ("non-working-day", $0.from, $0.through, nil, $0.basis) }
        + workingDays.map { ("working-day", $0.day, nil, nil, $0.basis) }

    /// Bank of Russia key rates from 2020 (the day each took effect, the day it was decided).
    static let keyRates: [(from: String, decided: String, basisPoints: Int)] = [
        ("2020-02-10", "07.02.2020", 600), ("2020-04-27", "24.04.2020", 550), ("2020-06-22", "19.06.2020", 450),
        ("2020-07-27", "24.07.2020", 425), ("2021-03-22", "19.03.2021", 450), ("2021-04-26", "23.04.2021", 500),
        ("2021-06-15", "11.06.2021", 550), ("2021-07-26", "23.07.2021", 650), ("2021-09-13", "10.09.2021", 675),
        ("2021-10-25", "22.10.2021", 750), ("2021-12-20", "17.12.2021", 850), ("2022-02-14", "11.02.2022", 950),
        ("2022-02-28", "28.02.2022", 2_000), ("2022-04-11", "08.04.2022", 1_700), ("2022-05-04", "29.04.2022", 1_400),
        ("2022-05-27", "26.05.2022", 1_100), ("2022-06-14", "10.06.2022", 950), ("2022-07-25", "22.07.2022", 800),
        ("2022-09-19", "16.09.2022", 750), ("2023-07-24", "21.07.2023", 850), ("2023-08-15", "15.08.2023", 1_200),
        ("2023-09-18", "15.09.2023", 1_300), ("2023-10-30", "27.10.2023", 1_500), ("2023-12-18", "15.12.2023", 1_600),
        ("2024-07-29", "26.07.2024", 1_800), ("2024-09-16", "13.09.2024", 1_900), ("2024-10-28", "25.10.2024", 2_100),
        ("2025-06-09", "06.06.2025", 2_000), ("2025-07-28", "25.07.2025", 1_800), ("2025-09-15", "12.09.2025", 1_700),
        ("2025-10-27", "24.10.2025", 1_650), ("2025-12-22", "19.12.2025", 1_600), ("2026-02-16", "13.02.2026", 1_550),
        ("2026-03-23", "20.03.2026", 1_500), ("2026-04-27", "24.04.2026", 1_450), ("2026-06-22", "19.06.2026", 1_425),
        ("2026-07-27", "24.07.2026", 1_400),
    ]

    /// Holidays and transferred days off on weekdays (ТК РФ ст. 112 and the government's yearly
    /// transfer decrees); Saturdays and Sundays are non-working without a row.
    static let nonWorkingDays: [(from: String, through: String?, basis: String)] = [
        ("2025-01-01", "2025-01-08", "ТК РФ ст. 112; ПП РФ 04.10.2024 № 1335"),
        ("2025-05-01", "2025-05-02", "ТК РФ ст. 112; ПП РФ 04.10.2024 № 1335"),
        ("2025-05-08", "2025-05-09", "ТК РФ ст. 112; ПП РФ 04.10.2024 № 1335"),
        ("2025-06-12", "2025-06-13", "ТК РФ ст. 112; ПП РФ 04.10.2024 № 1335"),
        ("2025-11-03", "2025-11-04", "ТК РФ ст. 112; ПП РФ 04.10.2024 № 1335"),
        ("2025-12-31", nil, "ПП РФ 04.10.2024 № 1335"),
        ("2026-01-01", "2026-01-09", "ТК РФ ст. 112; ПП РФ 24.09.2025 № 1466"),
        ("2026-02-23", nil, "ТК РФ ст. 112"),
        ("2026-03-09", nil, "ТК РФ ст. 112 (8 марта в воскресенье)"),
        ("2026-05-01", nil, "ТК РФ ст. 112"),
        ("2026-05-11", nil, "ТК РФ ст. 112 (9 мая в субботу)"),
        ("2026-06-12", nil, "ТК РФ ст. 112"),
        ("2026-11-04", nil, "ТК РФ ст. 112"),
        ("2026-12-31", nil, "ПП РФ 24.09.2025 № 1466"),
        ("2027-01-01", "2027-01-08", "ТК РФ ст. 112; ПП РФ 17.09.2026 № 1187"),
        ("2027-02-22", "2027-02-23", "ТК РФ ст. 112; ПП РФ 17.09.2026 № 1187"),
        ("2027-03-08", nil, "ТК РФ ст. 112"),
        ("2027-05-03", nil, "ТК РФ ст. 112 (1 мая в субботу)"),
        ("2027-05-10", nil, "ТК РФ ст. 112 (9 мая в воскресенье)"),
        ("2027-06-14", nil, "ТК РФ ст. 112 (12 июня в субботу)"),
        ("2027-11-04", "2027-11-05", "ТК РФ ст. 112; ПП РФ 17.09.2026 № 1187"),
        ("2027-12-31", nil, "ПП РФ 17.09.2026 № 1187"),
    ]

    /// Weekend days made working days by a transfer.
    static let workingDays: [(day: String, basis: String)] = [
        ("2025-11-01", "ПП РФ 04.10.2024 № 1335"), ("2027-02-20", "ПП РФ 17.09.2026 № 1187"),
    ]
}

extension Schema {
    /// The rows migration 23 ships, as records (tests compute with them without a database).
    public static var shippedRates: [RateRow] {
        defaultRates.compactMap { row in
            guard let kind = RateRow.Kind(rawValue: row.kind), let from = CalendarDate(iso: row.from) else {
                return nil
            }
            return RateRow(
                kind: kind, from: from, through: row.through.flatMap(CalendarDate.init(iso:)), value: row.value,
                basis: row.basis)
        }
    }
}
