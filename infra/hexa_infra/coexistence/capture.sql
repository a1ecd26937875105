-- Change capture on the monolith's tables (blue -> green), in a schema of our own: the legacy tables
-- only gain triggers; their columns and data are untouched. Installed by `hexa cdc install` (and by
-- `hexa up --legacy-dsn`) before the load, so nothing written during or after the load is missed.
--
-- A change is the row's whole new state (its old state for a DELETE): applying the latest change of
-- a row is enough, and applying one twice changes nothing. Writes that carry the session setting
-- hexa.origin = 'green' (the green -> blue writer sets it with SET LOCAL) are not captured: a change
-- never travels back to the side it came from.
CREATE SCHEMA IF NOT EXISTS hexa_cdc;

CREATE TABLE IF NOT EXISTS hexa_cdc.changes (
    seq          bigserial PRIMARY KEY,
    table_name   text        NOT NULL,
    op           text        NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    row_id       uuid        NOT NULL,
    partner_id   uuid,                     -- the cohort key: the partner the row belongs to
    state        jsonb       NOT NULL,
    captured_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    applied_at   timestamptz,
    outcome      text,                     -- applied | skipped (older than applied) | rejected
    reason       text
);
CREATE INDEX IF NOT EXISTS changes_pending ON hexa_cdc.changes (seq) WHERE applied_at IS NULL;
CREATE INDEX IF NOT EXISTS changes_partner_pending ON hexa_cdc.changes (partner_id) WHERE applied_at IS NULL;

-- The newest change of each row applied to green: an older one arriving later (a duplicate, a
-- redrive) is skipped, never applied over it.
CREATE TABLE IF NOT EXISTS hexa_cdc.applied (
    table_name text   NOT NULL,
    row_id     uuid   NOT NULL,
    seq        bigint NOT NULL,
    PRIMARY KEY (table_name, row_id)
);

-- The other direction's bookkeeping (green -> blue): the newest green state of each row written
-- here (a version or a timestamp, compared as the writer says), so a redelivered older one is skipped.
CREATE TABLE IF NOT EXISTS hexa_cdc.from_green (
    table_name text        NOT NULL,
    row_id     uuid        NOT NULL,
    marker     text        NOT NULL,
    written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (table_name, row_id)
);

CREATE OR REPLACE FUNCTION hexa_cdc.capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    state jsonb;
    partner uuid;
BEGIN
    IF coalesce(current_setting('hexa.origin', true), '') = 'green' THEN
        RETURN NULL;  -- written by the green -> blue writer: already on green
    END IF;
    state := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    partner := CASE TG_TABLE_NAME
        WHEN 'partners' THEN (state->>'id')::uuid
        WHEN 'campaign_performance' THEN (SELECT c.partner_id FROM public.campaigns c
                                          WHERE c.id = (state->>'campaign_id')::uuid)
        ELSE (state->>'partner_id')::uuid END;
    INSERT INTO hexa_cdc.changes (table_name, op, row_id, partner_id, state)
    VALUES (TG_TABLE_NAME, TG_OP, (state->>'id')::uuid, partner, state);
    PERFORM pg_notify('hexa_cdc', TG_TABLE_NAME);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['partners', 'contratos', 'campaigns', 'campaign_performance', 'comisiones'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS hexa_cdc_capture ON public.%I', t);
        EXECUTE format('CREATE TRIGGER hexa_cdc_capture AFTER INSERT OR UPDATE OR DELETE ON public.%I '
                       'FOR EACH ROW EXECUTE FUNCTION hexa_cdc.capture()', t);
    END LOOP;
END $$;
