-- The directory: VDNs (tenants), their skill queues, agents and the skills granted to them.

CREATE TABLE vdns (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- The service number customers dial; the default "called" of an inbound call.
    access_code TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE skills (
    vdn        INTEGER NOT NULL REFERENCES vdns(id),
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    media_type INTEGER NOT NULL DEFAULT 5,
    PRIMARY KEY (vdn, id)
);

-- Work numbers are unique across the whole gateway.
CREATE TABLE agents (
    work_no       INTEGER PRIMARY KEY,
    vdn           INTEGER NOT NULL REFERENCES vdns(id),
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'inspector')),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX agents_by_vdn ON agents (vdn, work_no);

CREATE TABLE agent_skills (
    work_no  INTEGER NOT NULL REFERENCES agents(work_no) ON DELETE CASCADE,
    vdn      INTEGER NOT NULL,
    skill_id INTEGER NOT NULL,
    level    INTEGER NOT NULL,
    PRIMARY KEY (work_no, skill_id),
    FOREIGN KEY (vdn, skill_id) REFERENCES skills(vdn, id) ON DELETE CASCADE
);

-- Serves the cascade from skills and "who has this skill" look-ups.
CREATE INDEX agent_skills_by_skill ON agent_skills (vdn, skill_id);
