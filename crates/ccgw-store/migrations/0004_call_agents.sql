-- Every agent who talked in a call, in order, comma-separated: more than one after a
-- transfer, a connect-held or a conference. Rows written before this column existed
-- list nobody.
ALTER TABLE call_records ADD COLUMN talked TEXT NOT NULL DEFAULT '';
