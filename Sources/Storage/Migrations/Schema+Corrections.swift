extension Schema {
    /// Payment corrections: a payment row says what it is (a payment, the reversal of one, a
    /// refund of an advance) and which payment a reversal reverses, with the accountant's reason;
    /// a suspense entry names the payment it was assigned as; a refund keeps the payment order
    /// written for it.
    static let corrections = """
        ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment';
        ALTER TABLE payments ADD COLUMN corrects BIGINT;
        ALTER TABLE payments ADD COLUMN reason TEXT;
        ALTER TABLE payment_suspense ADD COLUMN assigned_payment BIGINT;
        ALTER TABLE payment_suspense ADD COLUMN assigned_reason TEXT;
        CREATE TABLE refund_orders (
            payment_id BIGINT PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            order_date TEXT NOT NULL,
            payee TEXT NOT NULL,
            payee_inn TEXT,
            payee_account TEXT NOT NULL,
            payee_bic TEXT NOT NULL,
            purpose TEXT NOT NULL
        );
        """
}

extension Schema {
    /// What each service supplies (the increasing factor is for water only), and why a statement
    /// line was billed as it was (an average, the norm, the norm x1.5), for the ЕПД to say.
    static let methods = """
        ALTER TABLE services ADD COLUMN resource TEXT;
        ALTER TABLE statement_lines ADD COLUMN method_note TEXT;
        """
}

extension Schema {
    /// A premises' owners over time: `accounts.owner_name` is the owner it was registered with,
    /// each row here a new owner from its day (one a day), with what recorded it.
    static let ownerChanges = """
        CREATE TABLE owner_changes (
            id {{id}},
            account_number TEXT NOT NULL REFERENCES accounts (number),
            since TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            source TEXT NOT NULL,
            recorded_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT)),
            UNIQUE (account_number, since)
        );
        """
}

extension Schema {
    /// A privilege is a percent of the charge (of the area within a social norm, when it names
    /// one) or a fixed sum a month; a statement line says each privilege it gave.
    static let privilegeKinds = """
        ALTER TABLE privileges ADD COLUMN fixed_amount BIGINT;
        ALTER TABLE privileges ADD COLUMN area_norm_centi BIGINT;
        ALTER TABLE statement_lines ADD COLUMN privilege_note TEXT;
        """
}

extension Schema {
    /// Who changed what, when, by which command or route, from which file or request: rows are
    /// only ever added; the database itself refuses to update or delete one.
    static let auditLog = (
        sqlite: auditTable + """
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """,
        postgres: auditTable + """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
            """
    )

    static let auditTable = """
        CREATE TABLE audit_log (
            id {{id}},
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            via TEXT NOT NULL,
            key_id BIGINT,
            operator TEXT,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT,
            account_number TEXT,
            principal_inn TEXT,
            before_value TEXT,
            after_value TEXT,
            source TEXT
        );
        CREATE INDEX audit_log_at ON audit_log (at);

        """
}

extension Schema {
    /// Each customer's consent to a delivery (paper, e-mail, both) with its day and what recorded
    /// it (the center, or a principal's accounts file proposing it); and each e-mailed ЕПД's
    /// state (queued, sending, sent, temporary, failed, in-doubt), so a send never repeats in
    /// silence.
    static let delivery = """
        CREATE TABLE delivery_consents (
            id {{id}},
            account_number TEXT NOT NULL REFERENCES accounts (number),
            delivery TEXT NOT NULL,
            email TEXT,
            consented_on TEXT NOT NULL,
            by_center INTEGER NOT NULL,
            source TEXT NOT NULL,
            recorded_at TEXT NOT NULL DEFAULT (CAST(CURRENT_TIMESTAMP AS TEXT))
        );
        CREATE INDEX delivery_consents_account ON delivery_consents (account_number, consented_on);
        CREATE TABLE mail_log (
            id {{id}},
            period TEXT NOT NULL,
            account_number TEXT NOT NULL,
            address TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at TEXT,
            reply TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (period, account_number)
        );
        """
}
