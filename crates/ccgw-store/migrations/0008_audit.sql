-- The audit trail: every command a client sent and every agent state change. Entries are
-- only ever appended; the retention removes the oldest. The trigger makes a change to an
-- entry fail, whoever tries it.

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at_ms   INTEGER NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('command', 'state')),
    actor   TEXT    NOT NULL CHECK (actor IN ('agent', 'admin', 'gateway')),
    agent   INTEGER,
    client  TEXT,
    action  TEXT    NOT NULL,
    detail  TEXT    NOT NULL,
    result  TEXT    NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (at_ms, id);
CREATE INDEX audit_log_by_agent ON audit_log (agent, at_ms, id) WHERE agent IS NOT NULL;
CREATE INDEX audit_log_by_kind ON audit_log (kind, at_ms, id);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
