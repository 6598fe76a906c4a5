-- Crash safety for calls.
--
-- open_calls journals every call from its arrival until its record is written, in the
-- same transaction that writes the record: a row left here when the gateway starts is a
-- call a crash cut off, and start-up records it with outcome 'lost-at-restart'.
CREATE TABLE open_calls (
    call_id     TEXT    PRIMARY KEY,
    vdn         INTEGER NOT NULL,
    first_skill INTEGER NOT NULL,
    caller      TEXT    NOT NULL,
    called      TEXT    NOT NULL,
    call_data   TEXT    NOT NULL,
    media_type  INTEGER NOT NULL,
    priority    INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 255),
    feature     INTEGER NOT NULL CHECK (feature IN (0, 6, 7, 51, 52)),
    arrived_ms  INTEGER NOT NULL
);

-- The counter part of call ids (`<unix seconds>-<number>`) goes on across restarts: the
-- gateway reserves numbers in blocks and never hands out one it has not reserved here, so
-- a restart (even after a crash, within the same second) cannot repeat an id.
CREATE TABLE call_numbers (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    reserved INTEGER NOT NULL CHECK (reserved >= 0)
);
INSERT INTO call_numbers (id, reserved) VALUES (1, 0);

-- The new outcome needs a wider CHECK; SQLite cannot change one in place, so the records
-- table is rebuilt as in 0006, every existing row kept as it is.
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
                        'unrouted', 'lost-at-restart')),
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
