//! SIP digest authentication (RFC 3261 §22.4 with RFC 2617's `qop=auth`, MD5): reading a
//! client's `Authorization` header and checking its response against the phone's stored
//! HA1. ccgw never holds a phone's password, only `HA1 = MD5(user:realm:password)`.

use md5::{Digest, Md5};

/// `MD5(user:realm:password)` in lower-case hex: what ccgw stores for a phone.
pub fn ha1(user: &str, realm: &str, password: &str) -> String {
    md5_hex(&format!("{user}:{realm}:{password}"))
}

fn md5_hex(text: &str) -> String {
    hex(&Md5::digest(text.as_bytes()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The parameters of a `Digest` credential, as the client sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<String>,
    pub cnonce: Option<String>,
    pub qop: Option<String>,
    /// The nonce count, 8 hex digits on the wire.
    pub nc: Option<u32>,
    pub opaque: Option<String>,
}

/// Why a credential cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("not a Digest credential")]
    NotDigest,
    #[error("malformed parameter list")]
    Malformed,
    #[error("missing parameter {0}")]
    Missing(&'static str),
    #[error("bad nonce count")]
    BadNonceCount,
}

/// Longest header value read: a credential is a few hundred bytes.
const MAX_LEN: usize = 4096;

impl Credentials {
    /// Reads an `Authorization` (or `Proxy-Authorization`) header value.
    pub fn parse(header: &str) -> Result<Self, CredentialsError> {
        if header.len() > MAX_LEN {
            return Err(CredentialsError::Malformed);
        }
        let header = header.trim_start();
        let scheme_end = header.find(char::is_whitespace).ok_or(CredentialsError::NotDigest)?;
        if !header[..scheme_end].eq_ignore_ascii_case("digest") {
            return Err(CredentialsError::NotDigest);
        }
        let mut credentials = Credentials::default();
        let mut seen = (false, false, false, false, false);
        for (name, value) in parameters(&header[scheme_end..])? {
            match name.to_ascii_lowercase().as_str() {
                "username" => (credentials.username, seen.0) = (value, true),
                "realm" => (credentials.realm, seen.1) = (value, true),
                "nonce" => (credentials.nonce, seen.2) = (value, true),
                "uri" => (credentials.uri, seen.3) = (value, true),
                "response" => (credentials.response, seen.4) = (value, true),
                "algorithm" => credentials.algorithm = Some(value),
                "cnonce" => credentials.cnonce = Some(value),
                "qop" => credentials.qop = Some(value),
                "nc" => {
                    let count = (value.len() == 8).then(|| u32::from_str_radix(&value, 16).ok()).flatten();
                    credentials.nc = Some(count.ok_or(CredentialsError::BadNonceCount)?);
                }
                "opaque" => credentials.opaque = Some(value),
                _ => {}
            }
        }
        let required =
            [(seen.0, "username"), (seen.1, "realm"), (seen.2, "nonce"), (seen.3, "uri"), (seen.4, "response")];
        if let Some((_, name)) = required.iter().find(|(present, _)| !present) {
            return Err(CredentialsError::Missing(name));
        }
        Ok(credentials)
    }

    /// Whether the response proves knowledge of the password behind `ha1` for a request
    /// with `method`. Only MD5 with `qop=auth` is accepted: ccgw always offers it, and
    /// the RFC 2069 form without qop has no nonce count to stop a replay.
    pub fn verify(&self, method: &str, ha1: &str) -> bool {
        if self.algorithm.as_deref().is_some_and(|algorithm| !algorithm.eq_ignore_ascii_case("MD5")) {
            return false;
        }
        let (Some(qop), Some(nc), Some(cnonce)) = (&self.qop, self.nc, &self.cnonce) else { return false };
        if qop != "auth" {
            return false;
        }
        let expected = response(ha1, &self.nonce, nc, cnonce, method, &self.uri);
        equal_in_constant_time(expected.as_bytes(), self.response.to_ascii_lowercase().as_bytes())
    }
}

/// The `qop=auth` response for a request with `method` to `uri` (RFC 2617 §3.2.2.1).
pub fn response(ha1: &str, nonce: &str, nc: u32, cnonce: &str, method: &str, uri: &str) -> String {
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    md5_hex(&format!("{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}"))
}

/// Compares without stopping at the first difference: the expected response is derived
/// from the secret, and the time a comparison takes must not tell how much of it matched.
fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |difference, (x, y)| difference | (x ^ y)) == 0
}

/// `name=value` or `name="quoted value"` pairs separated by commas.
fn parameters(mut rest: &str) -> Result<Vec<(String, String)>, CredentialsError> {
    let mut pairs = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() {
            return Ok(pairs);
        }
        let equals = rest.find('=').ok_or(CredentialsError::Malformed)?;
        let name = rest[..equals].trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(CredentialsError::Malformed);
        }
        rest = rest[equals + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let (text, after) = quoted_string(quoted)?;
            value = text;
            rest = after;
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        pairs.push((name.to_owned(), value));
    }
}

/// The text of a quoted string (after its opening quote) and what follows its closing one.
fn quoted_string(text: &str) -> Result<(String, &str), CredentialsError> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[index + 1..])),
            '\\' => value.push(chars.next().ok_or(CredentialsError::Malformed)?.1),
            c => value.push(c),
        }
    }
    Err(CredentialsError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617 §3.5's example, whose expected response the RFC prints.
    #[test]
    fn the_rfc_2617_example_verifies() {
        let header = r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let credentials = Credentials::parse(header).unwrap();
        assert_eq!(credentials.username, "Mufasa");
        assert_eq!(credentials.nc, Some(1));
        let stored = ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
        assert!(credentials.verify("GET", &stored));
        assert!(!credentials.verify("POST", &stored), "the method is part of the response");
        assert!(!credentials.verify("GET", &ha1("Mufasa", "testrealm@host.com", "circle of life")));
    }

    #[test]
    fn a_credential_without_qop_or_with_another_algorithm_is_refused() {
        let stored = ha1("70101", "ccgw", "Demo-pass1");
        let without_qop =
            Credentials::parse(r#"Digest username="70101", realm="ccgw", nonce="n", uri="sip:ccgw", response="x""#)
                .unwrap();
        assert!(!without_qop.verify("REGISTER", &stored));
        let sha = r#"Digest username="70101", realm="ccgw", nonce="n", uri="sip:ccgw", response="x", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c""#;
        assert!(!Credentials::parse(sha).unwrap().verify("REGISTER", &stored));
    }

    #[test]
    fn malformed_headers_are_errors_not_panics() {
        for header in [
            "",
            "Basic abc",
            "Digest",
            "Digest username",
            r#"Digest username="unterminated"#,
            r#"Digest username="a", realm="r", nonce="n", uri="u""#,
            r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", nc=1"#,
            r#"Digest =x"#,
            "Digest username=\"\\",
        ] {
            assert!(Credentials::parse(header).is_err(), "{header:?}");
        }
        assert!(Credentials::parse(&format!("Digest username=\"{}\"", "a".repeat(5000))).is_err());
    }

    #[test]
    fn quoted_values_keep_commas_and_escapes() {
        let header = r#"Digest username="a\"b", realm="r,s", nonce=n1, uri="sip:x", response="y""#;
        let credentials = Credentials::parse(header).unwrap();
        assert_eq!(credentials.username, "a\"b");
        assert_eq!(credentials.realm, "r,s");
        assert_eq!(credentials.nonce, "n1");
    }
}
