-- SIP secrets of agent phones, kept only as HA1 = MD5(number:realm:password): what a
-- registrar needs to check a digest response, never the password.

CREATE TABLE phone_secrets (
    number     TEXT    PRIMARY KEY CHECK (length(number) BETWEEN 1 AND 24),
    realm      TEXT    NOT NULL,
    ha1        TEXT    NOT NULL CHECK (length(ha1) = 32),
    updated_ms INTEGER NOT NULL
);
