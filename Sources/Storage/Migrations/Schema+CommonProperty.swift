extension Schema {
    /// Utilities used for the common property of a house (СОИ): the house's areas, how it is
    /// managed and what its owners decided; the regional СОИ norms per resource; house meters
    /// (ОДПУ) and their readings; and what the billing run worked out per house, resource and
    /// period (the house meter's volume, the premises' volumes, the СОИ volume shared by area,
    /// the negative volume carried forward) or per year (the recalculation by the house meter).
    static let commonProperty = """
        ALTER TABLE houses ADD COLUMN common_area_centi BIGINT;
        ALTER TABLE houses ADD COLUMN premises_area_centi BIGINT;
        ALTER TABLE houses ADD COLUMN management TEXT;
        ALTER TABLE houses ADD COLUMN manager_id BIGINT REFERENCES principals (id);
        ALTER TABLE houses ADD COLUMN common_method TEXT;
        ALTER TABLE houses ADD COLUMN common_set_by BIGINT REFERENCES principals (id);
        CREATE TABLE house_norms (
            house_code TEXT NOT NULL REFERENCES houses (code),
            resource TEXT NOT NULL,
            norm_micro BIGINT NOT NULL,
            PRIMARY KEY (house_code, resource)
        );
        CREATE TABLE house_meters (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            serial TEXT NOT NULL,
            house_code TEXT NOT NULL REFERENCES houses (code),
            service_code TEXT NOT NULL,
            resource TEXT NOT NULL,
            digits INTEGER NOT NULL,
            installed_on TEXT NOT NULL,
            verified_until TEXT NOT NULL,
            initial_reading_milli BIGINT,
            removed_on TEXT,
            PRIMARY KEY (principal_id, serial)
        );
        CREATE INDEX house_meters_house ON house_meters (house_code, resource);
        CREATE TABLE house_readings (
            id {{id}},
            principal_id BIGINT NOT NULL,
            meter_serial TEXT NOT NULL,
            house_code TEXT NOT NULL,
            value_milli BIGINT NOT NULL,
            taken_on TEXT NOT NULL,
            period TEXT NOT NULL,
            channel TEXT NOT NULL,
            received_at TEXT NOT NULL,
            consumption_milli BIGINT NOT NULL,
            flags TEXT,
            idempotency_key TEXT UNIQUE,
            FOREIGN KEY (principal_id, meter_serial) REFERENCES house_meters (principal_id, serial)
        );
        CREATE INDEX house_readings_meter ON house_readings (principal_id, meter_serial, taken_on);
        CREATE TABLE house_volumes (
            house_code TEXT NOT NULL REFERENCES houses (code),
            resource TEXT NOT NULL,
            period TEXT NOT NULL,
            basis TEXT NOT NULL,
            method TEXT NOT NULL,
            meter_milli BIGINT,
            individual_milli BIGINT,
            carried_in_milli BIGINT NOT NULL DEFAULT 0,
            common_milli BIGINT,
            carried_out_milli BIGINT NOT NULL DEFAULT 0,
            billed_individual_milli BIGINT,
            billed_common_milli BIGINT,
            first_period TEXT,
            from_period TEXT,
            note TEXT,
            PRIMARY KEY (house_code, resource, period, basis)
        );
        """
}

extension Schema {
    /// The identifiers the state's ГИС ЖКХ gave back: accounts' ЕЛС, ИЖКУ and GUID; meters' root
    /// GUIDs; principals' organisation GUIDs; services' entries of the state's reference (НСИ);
    /// the center's account as placed; the payment documents' ИПД.
    static let gisIdentifiers = """
        CREATE TABLE gis_accounts (
            account_number TEXT PRIMARY KEY REFERENCES accounts (number),
            unified_account TEXT NOT NULL,
            service_id TEXT NOT NULL,
            account_guid TEXT NOT NULL
        );
        CREATE TABLE gis_meters (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            serial TEXT NOT NULL,
            root_guid TEXT NOT NULL,
            PRIMARY KEY (principal_id, serial)
        );
        CREATE TABLE gis_principals (
            principal_id BIGINT PRIMARY KEY REFERENCES principals (id),
            org_ppa_guid TEXT NOT NULL
        );
        CREATE TABLE gis_services (
            principal_id BIGINT NOT NULL REFERENCES principals (id),
            service_code TEXT NOT NULL,
            registry INTEGER NOT NULL,
            nsi_code TEXT NOT NULL,
            nsi_guid TEXT NOT NULL,
            PRIMARY KEY (principal_id, service_code)
        );
        CREATE TABLE gis_payment_information (
            bic TEXT NOT NULL,
            account TEXT NOT NULL,
            guid TEXT NOT NULL,
            PRIMARY KEY (bic, account)
        );
        CREATE TABLE gis_documents (
            account_number TEXT NOT NULL REFERENCES accounts (number),
            period TEXT NOT NULL,
            document_id TEXT NOT NULL UNIQUE,
            PRIMARY KEY (account_number, period)
        );
        """
}
