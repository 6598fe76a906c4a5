-- What inspectors did in a call (spec 06 §1): one entry per stretch of listening,
-- inserting or whispering, and per intercept, `;`-separated, each
-- `inspector,agent,kind,from_ms,until_ms`. Rows written before this column existed list
-- none.
ALTER TABLE call_records ADD COLUMN supervision TEXT NOT NULL DEFAULT '';
