/// erc's schema, as versioned migrations. Money columns hold integer kopecks (BIGINT); days and
/// periods are ISO text (`2026-11-01`, `2026-10`); areas are hundredths of m², volumes
/// thousandths of a unit.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "principals, houses, premises, accounts, meters", sql: registry),
        Migration(version: 2, name: "imports, journal of postings, payments", sql: journal),
        Migration(version: 3, name: "statements", sql: statements),
        Migration(version: 4, name: "agreements, principal lifecycle, readings, closed periods", sql: agreements),
        Migration(
            version: 5, name: "journal without foreign-key triggers", sqlite: journalWithoutForeignKeys.sqlite,
            postgres: journalWithoutForeignKeys.postgres),
        Migration(version: 6, name: "billing runs in batches", sql: billingRuns),
        Migration(version: 7, name: "calculated services, privileges, statements with balances", sql: calculation),
        Migration(version: 8, name: "two-component tariffs", sql: twoComponentTariffs),
        Migration(version: 9, name: "print order of a period's ЕПД", sql: printOrder),
        Migration(
            version: 10, name: "statements without foreign-key triggers", sqlite: statementsWithoutForeignKeys.sqlite,
            postgres: statementsWithoutForeignKeys.postgres),
        Migration(version: 11, name: "bank registries and the suspense list", sql: bankRegistries),
        Migration(version: 12, name: "readings linked to their duplicates, with flags", sql: readingDuplicates),
        Migration(version: 13, name: "API keys, stored hashed", sql: apiKeys),
        Migration(version: 14, name: "bank registry lines and what became of each", sql: registryLines),
        Migration(version: 15, name: "self-service requests; readings keep their consumption", sql: serviceRequests),
        Migration(version: 16, name: "a meter's latest reading found by the index alone", sql: latestReading),
        Migration(version: 17, name: "meters taken off", sql: "ALTER TABLE meters ADD COLUMN removed_on TEXT;"),
        Migration(version: 18, name: "payment orders from banks' statements", sql: bankStatementOrders),
        Migration(
            version: 19, name: "postings from a file unique by file and line, indexed only for them",
            sqlite: "", postgres: postingSources),
        Migration(version: 20, name: "billing runs name who ran them and how many premises they cut", sql: runWorkers),
        Migration(
            version: 21, name: "a charges file names the file it corrects; opening balances found by their key",
            sql: replacements),
        Migration(
            version: 22, name: "idempotency keys with the request they were used for; infomat terminals and their keys",
            sqlite: idempotency + terminals.sqlite, postgres: idempotency + terminals.postgres),
        Migration(
            version: 23, name: "the center's settings, the legal rates as dated rows, the files both came from",
            sql: settings),
        Migration(
            version: 24, name: "payment corrections: reversals, refunds with their payment orders, suspense assigned",
            sql: corrections),
        Migration(version: 25, name: "services name their resource; statement lines say why", sql: methods),
        Migration(version: 26, name: "changes of owner of a premises, from a day", sql: ownerChanges),
        Migration(
            version: 27, name: "privileges as a fixed sum or within a social norm of area; statement lines say them",
            sql: privilegeKinds),
        Migration(
            version: 28, name: "a service's own payment due day, a principal's own days of grace",
            sql:
                "ALTER TABLE services ADD COLUMN payment_due_day INTEGER; ALTER TABLE principals ADD COLUMN grace_days INTEGER;"
        ),
        Migration(
            version: 29, name: "the audit trail, append-only", sqlite: auditLog.sqlite, postgres: auditLog.postgres),
        Migration(version: 30, name: "customers' choices of delivery; the log of e-mailed ЕПД", sql: delivery),
        Migration(
            version: 31, name: "the audit trail refuses a row written over another (SQLite's REPLACE)",
            sqlite: """
                CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
                WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """,
            // PostgreSQL's trigger of migration 29 fires on every row a statement would replace.
            postgres: "SELECT 1;"),
        Migration(
            version: 32,
            name: "common-property utilities (СОИ): house data and norms, house meters and readings, house volumes",
            sql: commonProperty),
        Migration(version: 33, name: "the identifiers ГИС ЖКХ gave back", sql: gisIdentifiers),
    ]

    static let registry = """
        CREATE TABLE principals (
            id {{id}},
            inn TEXT NOT NULL UNIQUE,
            kpp TEXT NOT NULL,
            ogrn TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            bank_name TEXT NOT NULL,
            bic TEXT NOT NULL,
            corr_account TEXT NOT NULL,
            account TEXT NOT NULL,
            address TEXT NOT NULL,
            phone TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active'
        );
        CREATE TABLE services (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            unit TEXT NOT NULL,
            PRIMARY KEY (principal_id, code)
        );
        CREATE TABLE tariffs (
            principal_id BIGINT NOT NULL,
            service_code TEXT NOT NULL,
            effective_from TEXT NOT NULL,
            price BIGINT NOT NULL,
            PRIMARY KEY (principal_id, service_code, effective_from),
            FOREIGN KEY (principal_id, service_code) REFERENCES services (principal_id, code)
        );
        CREATE TABLE houses (
            code TEXT PRIMARY KEY,
            postal_code TEXT NOT NULL,
            city TEXT NOT NULL,
            street TEXT NOT NULL,
            number TEXT NOT NULL
        );
        CREATE TABLE accounts (
            number TEXT PRIMARY KEY,
            house_code TEXT NOT NULL REFERENCES houses (code),
            entrance INTEGER NOT NULL,
            apartment TEXT NOT NULL,
            area_centi BIGINT NOT NULL,
            residents INTEGER NOT NULL,
            owner_name TEXT NOT NULL,
            UNIQUE (house_code, apartment)
        );
        CREATE TABLE principal_accounts (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            account_number TEXT NOT NULL REFERENCES accounts (number),
            PRIMARY KEY (principal_id, account_number)
        );
        CREATE TABLE meters (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            serial TEXT NOT NULL,
            service_code TEXT NOT NULL,
            account_number TEXT NOT NULL REFERENCES accounts (number),
            digits INTEGER NOT NULL,
            installed_on TEXT NOT NULL,
            verified_until TEXT NOT NULL,
            PRIMARY KEY (principal_id, serial)
        );
        """

    static let journal = """
        CREATE TABLE import_files (
            id {{id}},
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            kind TEXT NOT NULL,
            file_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            period TEXT,
            row_count BIGINT NOT NULL,
            total BIGINT NOT NULL,
            file_name TEXT NOT NULL,
            imported_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            UNIQUE (principal_id, kind, file_id)
        );
        CREATE TABLE postings (
            id {{id}},
            account_number TEXT NOT NULL REFERENCES accounts (number),
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            service_code TEXT NOT NULL,
            period TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount BIGINT NOT NULL,
            volume_milli BIGINT,
            tariff BIGINT,
            counts_from TEXT NOT NULL,
            source_file BIGINT REFERENCES import_files (id),
            source_line INTEGER,
            UNIQUE (source_file, source_line)
        );
        CREATE INDEX postings_period_account ON postings (period, account_number);
        CREATE TABLE payments (
            id {{id}},
            bank TEXT NOT NULL,
            operation_id TEXT NOT NULL,
            account_number TEXT NOT NULL,
            amount BIGINT NOT NULL,
            paid_on TEXT NOT NULL,
            period TEXT,
            UNIQUE (bank, operation_id)
        );
        """

    static let statements = """
        CREATE TABLE statements (
            period TEXT NOT NULL,
            account_number TEXT NOT NULL REFERENCES accounts (number),
            line_count INTEGER NOT NULL,
            total BIGINT NOT NULL,
            as_of TEXT NOT NULL,
            PRIMARY KEY (period, account_number)
        );
        CREATE TABLE statement_lines (
            period TEXT NOT NULL,
            account_number TEXT NOT NULL,
            line_no INTEGER NOT NULL,
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            service_code TEXT NOT NULL,
            volume_milli BIGINT NOT NULL,
            tariff BIGINT NOT NULL,
            amount BIGINT NOT NULL,
            PRIMARY KEY (period, account_number, line_no),
            FOREIGN KEY (period, account_number) REFERENCES statements (period, account_number)
        );
        """

    static let agreements = """
        ALTER TABLE principals ADD COLUMN email TEXT;
        ALTER TABLE principals ADD COLUMN contact_person TEXT;
        ALTER TABLE principals ADD COLUMN status_since TEXT;
        CREATE TABLE principal_status_history (
            id {{id}},
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            status TEXT NOT NULL,
            effective_on TEXT NOT NULL,
            reason TEXT,
            recorded_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        CREATE TABLE agreements (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            effective_from TEXT NOT NULL,
            number TEXT NOT NULL,
            signed_on TEXT NOT NULL,
            fee_basis_points INTEGER,
            fee_per_payment BIGINT,
            payout_schedule TEXT NOT NULL,
            payee TEXT NOT NULL,
            PRIMARY KEY (principal_id, effective_from),
            CHECK ((fee_basis_points IS NULL) <> (fee_per_payment IS NULL))
        );
        ALTER TABLE principal_accounts ADD COLUMN principal_account TEXT;
        ALTER TABLE meters ADD COLUMN initial_reading_milli BIGINT;
        ALTER TABLE postings ADD COLUMN for_period TEXT;
        ALTER TABLE postings ADD COLUMN note TEXT;
        CREATE INDEX postings_principal_period ON postings (principal_id, period);
        CREATE TABLE readings (
            id {{id}},
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            meter_serial TEXT NOT NULL,
            account_number TEXT NOT NULL REFERENCES accounts (number),
            service_code TEXT NOT NULL,
            value_milli BIGINT NOT NULL,
            taken_on TEXT NOT NULL,
            channel TEXT NOT NULL,
            received_at TEXT NOT NULL,
            period TEXT NOT NULL,
            idempotency_key TEXT UNIQUE
        );
        CREATE INDEX readings_principal_period ON readings (principal_id, period);
        CREATE TABLE closed_periods (
            period TEXT PRIMARY KEY,
            closed_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        """

    /// The journal is append-only and written in bulk (millions of rows a file); its rows are
    /// checked by the importers and billing before they are written, in set queries. Foreign-key
    /// triggers on it cost more than the whole import's validation, so it keeps none.
    static let journalWithoutForeignKeys = (
        sqlite: """
        CREATE TABLE postings_v5 (
            id INTEGER PRIMARY KEY,
            account_number TEXT NOT NULL,
            principal_id BIGINT NOT NULL,
            service_code TEXT NOT NULL,
            period TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount BIGINT NOT NULL,
            volume_milli BIGINT,
            tariff BIGINT,
            counts_from TEXT NOT NULL,
            source_file BIGINT,
            source_line INTEGER,
            for_period TEXT,
            note TEXT,
            UNIQUE (source_file, source_line)
        );
        INSERT INTO postings_v5 SELECT id, account_number, principal_id, service_code, period, kind, amount,
            volume_milli, tariff, counts_from, source_file, source_line, for_period, note FROM postings;
        DROP TABLE postings;
        ALTER TABLE postings_v5 RENAME TO postings;
        CREATE INDEX postings_period_account ON postings (period, account_number);
        CREATE INDEX postings_principal_period ON postings (principal_id, period);
        """,
        postgres: """
        ALTER TABLE postings DROP CONSTRAINT IF EXISTS postings_account_number_fkey;
        ALTER TABLE postings DROP CONSTRAINT IF EXISTS postings_principal_id_fkey;
        ALTER TABLE postings DROP CONSTRAINT IF EXISTS postings_source_file_fkey;
        """
    )

    /// A billing run's work, cut into batches of premises that workers claim, so that a run can
    /// use every core and, killed, be finished by running it again.
    static let billingRuns = """
        CREATE TABLE billing_runs (
            id {{id}},
            period TEXT NOT NULL,
            as_of TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            finished_at TEXT
        );
        CREATE TABLE billing_batches (
            run_id BIGINT NOT NULL REFERENCES billing_runs (id),
            batch_no INTEGER NOT NULL,
            first_account TEXT NOT NULL,
            last_account TEXT NOT NULL,
            status TEXT NOT NULL,
            PRIMARY KEY (run_id, batch_no)
        );
        """

    /// Services the center calculates itself, privileges, and statements that carry the whole
    /// balance of each line: opening, charged, recalculated, privileges, penalties, paid, closing.
    /// Postings a billing run makes name it (`run_id`); a payment's postings name the payment.
    static let calculation = """
        ALTER TABLE services ADD COLUMN calculation TEXT NOT NULL DEFAULT 'supplied';
        ALTER TABLE services ADD COLUMN norm_milli BIGINT;
        ALTER TABLE services ADD COLUMN readings_due_day INTEGER NOT NULL DEFAULT 25;
        CREATE TABLE privileges (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            account_number TEXT NOT NULL REFERENCES accounts (number),
            service_code TEXT NOT NULL,
            category TEXT NOT NULL,
            residents INTEGER NOT NULL,
            percent INTEGER NOT NULL,
            effective_from TEXT NOT NULL,
            effective_until TEXT,
            PRIMARY KEY (principal_id, account_number, service_code, category, effective_from)
        );
        CREATE INDEX privileges_account ON privileges (account_number);
        ALTER TABLE postings ADD COLUMN run_id BIGINT;
        ALTER TABLE postings ADD COLUMN payment_id BIGINT;
        DROP INDEX postings_period_account;
        CREATE INDEX postings_account_period ON postings (account_number, period);
        CREATE INDEX readings_account ON readings (account_number, period);
        CREATE INDEX meters_account ON meters (account_number);
        CREATE INDEX principal_accounts_account ON principal_accounts (account_number);
        ALTER TABLE payments ADD COLUMN principal_inn TEXT;
        ALTER TABLE payments ADD COLUMN service_code TEXT;
        ALTER TABLE payments ADD COLUMN posted_period TEXT;
        ALTER TABLE statements ADD COLUMN opening BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN charged BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN recalculated BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN privileges BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN penalties BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statements ADD COLUMN paid BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN opening BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN recalculated BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN privileges BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN penalties BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN paid BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN closing BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE statement_lines ADD COLUMN method TEXT NOT NULL DEFAULT 'supplied';
        """

    /// A tariff with a second component: the price per unit of a second resource and how much of
    /// it one unit of the service takes (hot water: Gcal per m³).
    static let twoComponentTariffs = """
        ALTER TABLE tariffs ADD COLUMN component_price BIGINT;
        ALTER TABLE tariffs ADD COLUMN component_factor_micro BIGINT;
        """

    /// The delivery order of a period's ЕПД (postal code, street, house, entrance, apartment),
    /// numbered once per rendering so that print batches are ranges of it.
    static let printOrder = """
        CREATE TABLE print_order (
            period TEXT NOT NULL,
            seq INTEGER NOT NULL,
            account_number TEXT NOT NULL,
            PRIMARY KEY (period, seq)
        );
        CREATE INDEX print_order_account ON print_order (period, account_number);
        """

    /// Statements are derived data: a billing run writes them from checked inputs, a batch at a
    /// time in one transaction, and rewrites them whole on every run. Foreign-key triggers on
    /// millions of lines cost more than the rest of their writing, so they keep none (as the
    /// journal, migration 5).
    static let statementsWithoutForeignKeys = (
        sqlite: """
        CREATE TABLE statements_v10 (
            period TEXT NOT NULL, account_number TEXT NOT NULL, line_count INTEGER NOT NULL, total BIGINT NOT NULL,
            as_of TEXT NOT NULL, opening BIGINT NOT NULL DEFAULT 0, charged BIGINT NOT NULL DEFAULT 0,
            recalculated BIGINT NOT NULL DEFAULT 0, privileges BIGINT NOT NULL DEFAULT 0,
            penalties BIGINT NOT NULL DEFAULT 0, paid BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (period, account_number)
        );
        INSERT INTO statements_v10 SELECT period, account_number, line_count, total, as_of, opening, charged,
            recalculated, privileges, penalties, paid FROM statements;
        CREATE TABLE statement_lines_v10 (
            period TEXT NOT NULL, account_number TEXT NOT NULL, line_no INTEGER NOT NULL, principal_id BIGINT NOT NULL,
            service_code TEXT NOT NULL, volume_milli BIGINT NOT NULL, tariff BIGINT NOT NULL, amount BIGINT NOT NULL,
            opening BIGINT NOT NULL DEFAULT 0, recalculated BIGINT NOT NULL DEFAULT 0,
            privileges BIGINT NOT NULL DEFAULT 0, penalties BIGINT NOT NULL DEFAULT 0, paid BIGINT NOT NULL DEFAULT 0,
            closing BIGINT NOT NULL DEFAULT 0, method TEXT NOT NULL DEFAULT 'supplied',
            PRIMARY KEY (period, account_number, line_no)
        );
        INSERT INTO statement_lines_v10 SELECT period, account_number, line_no, principal_id, service_code,
            volume_milli, tariff, amount, opening, recalculated, privileges, penalties, paid, closing, method
            FROM statement_lines;
        DROP TABLE statement_lines;
        DROP TABLE statements;
        ALTER TABLE statements_v10 RENAME TO statements;
        ALTER TABLE statement_lines_v10 RENAME TO statement_lines;
        """,
        postgres: """
        ALTER TABLE statement_lines DROP CONSTRAINT IF EXISTS statement_lines_period_account_number_fkey;
        ALTER TABLE statement_lines DROP CONSTRAINT IF EXISTS statement_lines_principal_id_fkey;
        ALTER TABLE statements DROP CONSTRAINT IF EXISTS statements_account_number_fkey;
        """
    )

    /// Banks' registries of accepted payments, each the bank's payment order (number and date),
    /// and the payments for accounts nobody has, waiting for an accountant.
    static let bankRegistries = """
        CREATE TABLE bank_registries (
            id {{id}},
            bank TEXT NOT NULL,
            payment_order TEXT NOT NULL,
            order_date TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            payments INTEGER NOT NULL,
            total BIGINT NOT NULL,
            transferred BIGINT NOT NULL,
            fee BIGINT NOT NULL,
            imported_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            UNIQUE (bank, payment_order, order_date)
        );
        CREATE TABLE payment_suspense (
            id {{id}},
            bank TEXT NOT NULL,
            operation_id TEXT NOT NULL,
            registry_id BIGINT NOT NULL,
            line INTEGER NOT NULL,
            account TEXT NOT NULL,
            payer TEXT NOT NULL,
            address TEXT NOT NULL,
            period TEXT,
            amount BIGINT NOT NULL,
            paid_on TEXT NOT NULL,
            reason TEXT NOT NULL,
            UNIQUE (bank, operation_id)
        );
        ALTER TABLE payments ADD COLUMN registry_id BIGINT;
        CREATE INDEX payments_registry ON payments (registry_id);
        CREATE INDEX postings_payment ON postings (payment_id) WHERE payment_id IS NOT NULL;
        """

    /// The same value for the same meter and day from another channel is kept, linked to the
    /// first; flags say what to look at (a meter past verification, a rolled-over counter).
    static let readingDuplicates = """
        ALTER TABLE readings ADD COLUMN duplicate_of BIGINT;
        ALTER TABLE readings ADD COLUMN flags TEXT;
        CREATE INDEX readings_meter_day ON readings (principal_id, meter_serial, taken_on);
        """

    /// API keys: only the SHA-256 of each token is kept, with a prefix to tell keys apart.
    static let apiKeys = """
        CREATE TABLE api_keys (
            id {{id}},
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            scope TEXT,
            prefix TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            revoked_at TEXT
        );
        """

    /// Every line of an imported bank registry with what became of it: a payment recorded, a
    /// payment in suspense, or an operation recorded before (with the payment it repeats).
    static let registryLines = """
        CREATE TABLE registry_lines (
            registry_id BIGINT NOT NULL,
            line INTEGER NOT NULL,
            operation_id TEXT NOT NULL,
            account TEXT NOT NULL,
            paid BIGINT NOT NULL,
            transferred BIGINT NOT NULL,
            fee BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            payment_id BIGINT,
            PRIMARY KEY (registry_id, line)
        );
        """

    /// Requests a customer makes without an operator (meter sealing, replacement, verification, a
    /// new contract on a change of owner), routed to the principal that owns the service, with
    /// every change of status kept. A reading keeps the consumption it was accepted with, so a
    /// retried request gets the same answer.
    static let serviceRequests = """
        ALTER TABLE readings ADD COLUMN consumption_milli BIGINT;
        CREATE TABLE service_requests (
            id {{id}},
            number TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            account_number TEXT NOT NULL REFERENCES accounts (number),
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            service_code TEXT NOT NULL,
            meter_serial TEXT,
            details TEXT,
            contact TEXT,
            channel TEXT NOT NULL,
            status TEXT NOT NULL,
            idempotency_key TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX service_requests_principal ON service_requests (principal_id, status);
        CREATE INDEX service_requests_account ON service_requests (account_number);
        CREATE TABLE service_request_history (
            id {{id}},
            request_id BIGINT NOT NULL REFERENCES service_requests (id),
            status TEXT NOT NULL,
            comment TEXT,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL
        );
        CREATE INDEX service_request_history_request ON service_request_history (request_id);
        """

    /// A reading's previous one is the meter's latest by day, then by id: with the id in the
    /// index (SQLite has it as the rowid already) that is one step of an index scan, however
    /// many readings the meter has on one day.
    static let latestReading = """
        CREATE INDEX readings_meter_latest ON readings (principal_id, meter_serial, taken_on, id);
        DROP INDEX readings_meter_day;
        """

    /// The payment orders of banks' statements (1C client-bank exchange), set against the
    /// registries' summaries by `erc reconcile bank`.
    /// A posting's source (file and line) stays unique, but only postings that have one are in
    /// its index: the postings of billing runs and payments (most of the journal) have none, and
    /// PostgreSQL indexes rows whose key is NULL, which cost every billing run an index entry a
    /// posting for nothing. SQLite keeps the constraint (dropping it would rebuild the table).
    static let postingSources = """
        ALTER TABLE postings DROP CONSTRAINT postings_source_file_source_line_key;
        CREATE UNIQUE INDEX postings_source ON postings (source_file, source_line) WHERE source_file IS NOT NULL;
        """

    /// A billing run names the process that started or resumed it (for the message that refuses
    /// a second run beside it) and counts the premises it cut into batches (premises registered
    /// after it started are not in them, and the period's check says so).
    static let runWorkers = """
        ALTER TABLE billing_runs ADD COLUMN worker TEXT;
        ALTER TABLE billing_runs ADD COLUMN premises BIGINT;
        """

    /// A charges file that corrects another names it (`<replaces>`): the replaced file's import.
    /// Opening balances are found by account, principal and service when a file is sent again.
    static let replacements = """
        ALTER TABLE import_files ADD COLUMN replaces BIGINT;
        CREATE INDEX import_files_replaces ON import_files (replaces);
        """

    /// Every idempotency key a write came with (per API key), with a fingerprint of what its
    /// request asked: the same key on another request is refused on every route alike.
    static let idempotency = """
        CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            route TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            first_used_at TEXT NOT NULL
        );

        """

    /// A payment terminal belongs to one infomat key (the first that used it, or the one named
    /// when the key was made); the terminals of payments taken before are kept unowned, for the
    /// first infomat key that uses each to claim.
    static let terminals = (
        sqlite: """
        CREATE TABLE infomat_terminals (
            terminal TEXT PRIMARY KEY,
            key_id BIGINT,
            registered_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        INSERT INTO infomat_terminals (terminal)
        SELECT DISTINCT substr(operation_id, 1, instr(operation_id, '/') - 1) FROM payments
        WHERE bank = 'infomat' AND instr(operation_id, '/') > 1;
        """,
        postgres: """
        CREATE TABLE infomat_terminals (
            terminal TEXT PRIMARY KEY,
            key_id BIGINT,
            registered_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        INSERT INTO infomat_terminals (terminal)
        SELECT DISTINCT split_part(operation_id, '/', 1) FROM payments
        WHERE bank = 'infomat' AND strpos(operation_id, '/') > 1;
        """
    )

    static let bankStatementOrders = """
        CREATE TABLE bank_statement_orders (
            bank TEXT NOT NULL,
            number TEXT NOT NULL,
            order_date TEXT NOT NULL,
            amount BIGINT NOT NULL,
            payer_inn TEXT NOT NULL,
            payer TEXT NOT NULL,
            recipient_account TEXT NOT NULL,
            purpose TEXT NOT NULL,
            file_name TEXT NOT NULL,
            line INTEGER NOT NULL,
            imported_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            PRIMARY KEY (bank, number, order_date)
        );
        """
}
