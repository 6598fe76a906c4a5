-- Inbound routing: a customer call reported by its dialled number goes to the VDN whose
-- access code the number starts with; the digits after the code (the route suffix,
-- possibly none) pick the VDN's route: a skill queue, or an IVR flow (by its access
-- code) that queues the call in the skill when it returns it.

CREATE TABLE routes (
    vdn             INTEGER NOT NULL REFERENCES vdns(id),
    suffix          TEXT    NOT NULL CHECK (length(suffix) <= 24 AND suffix NOT GLOB '*[^0-9]*'),
    skill_id        INTEGER NOT NULL,
    -- NULL: straight to the skill queue; else the IVR flow with this access code first.
    ivr_access_code TEXT    CHECK (ivr_access_code IS NULL OR (length(ivr_access_code) BETWEEN 1 AND 24
                                   AND ivr_access_code NOT GLOB '*[^0-9]*')),
    PRIMARY KEY (vdn, suffix),
    FOREIGN KEY (vdn, skill_id) REFERENCES skills(vdn, id) ON DELETE CASCADE
);

-- A dialled number that routes nowhere is refused with outcome 'unrouted'. SQLite cannot
-- change a table's CHECK constraints, so the records table is rebuilt with the wider
-- one, as in 0003 and 0005; every existing row is kept as it is.

CREATE TABLE call_records_new (
    id              INTEGER PRIMARY KEY,
    call_id         TEXT    NOT NULL UNIQUE,
    vdn             INTEGER NOT NULL,
    first_skill     INTEGER NOT NULL,
    final_skill     INTEGER NOT NULL,
    route           TEXT    NOT NULL,
    caller          TEXT    NOT NULL,
    called          TEXT    NOT NULL,
    call_data       TEXT    NOT NULL,
    media_type      INTEGER NOT NULL,
    priority        INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 255),
    arrived_ms      INTEGER NOT NULL,
    ended_ms        INTEGER NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN (
                        'answered', 'abandoned-in-queue', 'abandoned-ringing', 'no-agent',
                        'queue-full', 'overflowed', 'timed-out', 'failed', 'joined', 'shutdown',
                        'unrouted')),
    agent           INTEGER,
    answered_at_ms  INTEGER,
    ended_by        TEXT    CHECK (ended_by IS NULL OR ended_by IN (
                        'customer', 'agent', 'sign-out', 'shutdown', 'ivr')),
    overflow_number TEXT,
    offered_to      TEXT    NOT NULL,
    feature         INTEGER NOT NULL DEFAULT 0 CHECK (feature IN (0, 6, 7, 51, 52)),
    failure         TEXT    CHECK (failure IS NULL OR failure IN (
                        'agent-phone', 'busy', 'reject', 'invalid', 'no-answer', 'agent-unavailable',
                        'timeout', 'cancelled')),
    joined_into     TEXT,
    talked          TEXT    NOT NULL DEFAULT '',
    CHECK ((outcome = 'answered') = (answered_at_ms IS NOT NULL AND ended_by IS NOT NULL)),
    CHECK ((outcome IN ('answered', 'abandoned-ringing', 'failed')) = (agent IS NOT NULL)),
    CHECK ((outcome = 'overflowed') = (overflow_number IS NOT NULL)),
    CHECK ((outcome = 'failed') = (failure IS NOT NULL)),
    CHECK ((outcome = 'joined') = (joined_into IS NOT NULL))
);

INSERT INTO call_records_new (id, call_id, vdn, first_skill, final_skill, route, caller, called, call_data,
                              media_type, priority, arrived_ms, ended_ms, outcome, agent, answered_at_ms,
                              ended_by, overflow_number, offered_to, feature, failure, joined_into, talked)
SELECT id, call_id, vdn, first_skill, final_skill, route, caller, called, call_data, media_type, priority,
       arrived_ms, ended_ms, outcome, agent, answered_at_ms, ended_by, overflow_number, offered_to, feature,
       failure, joined_into, talked
FROM call_records;

DROP TABLE call_records;
ALTER TABLE call_records_new RENAME TO call_records;

CREATE INDEX call_records_by_arrival ON call_records (arrived_ms, id);
CREATE INDEX call_records_by_vdn ON call_records (vdn, arrived_ms, id);
CREATE INDEX call_records_by_agent ON call_records (agent, arrived_ms, id) WHERE agent IS NOT NULL;
CREATE INDEX call_records_by_skill ON call_records (vdn, final_skill, arrived_ms, id);
CREATE INDEX call_records_by_outcome ON call_records (outcome, arrived_ms, id);
