-- Call distribution: routing policy, queue limits and wrap-up of skills; agent groups;
-- rest reasons; and one record per finished call.
--
-- Columns are added with ALTER TABLE so that existing rows (and the foreign keys that
-- point at skills and agents) stay as they are. SQLite cannot add a composite foreign
-- key this way, so "the overflow skill exists in the same VDN" and "the agent's group
-- exists in the agent's VDN" are checked by the store in the writing transaction.

-- Skills ------------------------------------------------------------------------------

ALTER TABLE skills ADD COLUMN policy TEXT NOT NULL DEFAULT 'longest-idle'
    CHECK (policy IN ('longest-idle', 'most-skilled', 'round-robin'));
-- NULL = no limit.
ALTER TABLE skills ADD COLUMN max_waiting INTEGER
    CHECK (max_waiting IS NULL OR max_waiting >= 0);
ALTER TABLE skills ADD COLUMN max_wait_ms INTEGER
    CHECK (max_wait_ms IS NULL OR max_wait_ms > 0);
-- Where a call goes after max_wait_ms: another skill of the same VDN, or a number.
ALTER TABLE skills ADD COLUMN overflow_skill INTEGER
    CHECK (overflow_skill IS NULL OR overflow_skill > 0);
ALTER TABLE skills ADD COLUMN overflow_number TEXT
    CHECK (overflow_number IS NULL OR (overflow_number <> '' AND overflow_skill IS NULL));
ALTER TABLE skills ADD COLUMN refuse_when_unstaffed INTEGER NOT NULL DEFAULT 0
    CHECK (refuse_when_unstaffed IN (0, 1));
-- NULL = the agent's default.
ALTER TABLE skills ADD COLUMN wrap_up_ms INTEGER
    CHECK (wrap_up_ms IS NULL OR wrap_up_ms >= 0);

-- Serves "which skills overflow into this one" when a skill is deleted.
CREATE INDEX skills_by_overflow_skill ON skills (vdn, overflow_skill) WHERE overflow_skill IS NOT NULL;

-- Agent groups ------------------------------------------------------------------------

CREATE TABLE agent_groups (
    vdn  INTEGER NOT NULL REFERENCES vdns(id),
    id   INTEGER NOT NULL CHECK (id BETWEEN 1 AND 9999),
    name TEXT    NOT NULL,
    PRIMARY KEY (vdn, id)
);

-- NULL = in no group. Deleting a group sets this to NULL for its agents (in the store,
-- in the same transaction).
ALTER TABLE agents ADD COLUMN group_id INTEGER
    CHECK (group_id IS NULL OR group_id BETWEEN 1 AND 9999);
-- NULL = the center default.
ALTER TABLE agents ADD COLUMN wrap_up_ms INTEGER
    CHECK (wrap_up_ms IS NULL OR wrap_up_ms >= 0);

CREATE INDEX agents_by_group ON agents (vdn, group_id, work_no) WHERE group_id IS NOT NULL;

-- Rest reasons --------------------------------------------------------------------------

CREATE TABLE rest_reasons (
    vdn  INTEGER NOT NULL REFERENCES vdns(id),
    code INTEGER NOT NULL CHECK (code BETWEEN 1 AND 255),
    name TEXT    NOT NULL,
    PRIMARY KEY (vdn, code)
);

-- Call records ----------------------------------------------------------------------------

-- One row per finished call. History: no foreign keys, so a record outlives the VDN,
-- skills and agents it names. Times are milliseconds since the Unix epoch.
CREATE TABLE call_records (
    id              INTEGER PRIMARY KEY,
    call_id         TEXT    NOT NULL UNIQUE,
    vdn             INTEGER NOT NULL,
    -- The queue the call arrived in, and the one where it ended.
    first_skill     INTEGER NOT NULL,
    final_skill     INTEGER NOT NULL,
    -- Every queue the call entered, in order: skill ids separated by ','.
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
                        'queue-full', 'overflowed', 'timed-out')),
    -- The agent who answered (answered) or at whom the call rang (abandoned-ringing).
    agent           INTEGER,
    answered_at_ms  INTEGER,
    ended_by        TEXT    CHECK (ended_by IS NULL OR ended_by IN ('customer', 'agent', 'sign-out')),
    overflow_number TEXT,
    -- Agents the call was offered to who did not take it, oldest first: work numbers
    -- separated by ','.
    offered_to      TEXT    NOT NULL,
    CHECK ((outcome = 'answered') = (answered_at_ms IS NOT NULL AND ended_by IS NOT NULL)),
    CHECK ((outcome IN ('answered', 'abandoned-ringing')) = (agent IS NOT NULL)),
    CHECK ((outcome = 'overflowed') = (overflow_number IS NOT NULL))
);

-- Listings are newest first, filtered by any of VDN, agent, final skill and outcome.
CREATE INDEX call_records_by_arrival ON call_records (arrived_ms, id);
CREATE INDEX call_records_by_vdn ON call_records (vdn, arrived_ms, id);
CREATE INDEX call_records_by_agent ON call_records (agent, arrived_ms, id) WHERE agent IS NOT NULL;
CREATE INDEX call_records_by_skill ON call_records (vdn, final_skill, arrived_ms, id);
CREATE INDEX call_records_by_outcome ON call_records (outcome, arrived_ms, id);
