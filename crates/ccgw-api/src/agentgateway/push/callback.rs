//! Which callback URLs a push sign-in may name: `https` only, and on the configured
//! allow-list (`EVENT_PUST_WHILTELIST_CALLBACKURI`).
//!
//! Matching is strict: scheme, host, port (the default one written or not) and path must
//! equal an entry's exactly. Only the query is free, so that receivers which authenticate
//! with `?token=…` can be listed once by their path. User info and fragments are refused.

use reqwest::Url;

/// The longest `callBackUri` a sign-in may carry (spec 01 §11.1).
pub(crate) const MAX_CALLBACK_CHARS: usize = 200;

/// The allow-list, parsed once from the configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowList {
    entries: Vec<Url>,
}

/// Why an allow-list entry was not accepted.
#[derive(Debug, thiserror::Error)]
#[error("push allow-list entry {entry:?}: {why}")]
pub struct BadAllowListEntry {
    entry: String,
    why: &'static str,
}

impl AllowList {
    /// Entries separated by `;` (the Huawei key's form); blanks are skipped.
    pub(crate) fn parse(entries: &str) -> Result<Self, BadAllowListEntry> {
        let mut parsed = Vec::new();
        for entry in entries.split(';').map(str::trim).filter(|entry| !entry.is_empty()) {
            let bad = |why| BadAllowListEntry { entry: entry.to_owned(), why };
            let url = https_url(entry).map_err(bad)?;
            if url.query().is_some() {
                return Err(bad("an entry has no query: callback queries are not compared"));
            }
            parsed.push(url);
        }
        Ok(Self { entries: parsed })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The callback URL a sign-in named, if the list admits it.
    pub(crate) fn admit(&self, callback: &str) -> Result<Url, &'static str> {
        if callback.chars().count() > MAX_CALLBACK_CHARS {
            return Err("callBackUri longer than 200 characters");
        }
        let url = https_url(callback)?;
        let listed = self.entries.iter().any(|entry| {
            entry.host_str() == url.host_str()
                && entry.port_or_known_default() == url.port_or_known_default()
                && entry.path() == url.path()
        });
        listed.then_some(url).ok_or("callBackUri is not on the gateway's callback allow-list")
    }
}

fn https_url(text: &str) -> Result<Url, &'static str> {
    let url = Url::parse(text).map_err(|_| "not a URL")?;
    if url.scheme() != "https" {
        return Err("only https callbacks are allowed");
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err("a callback URL names a host and carries no user info");
    }
    if url.fragment().is_some() {
        return Err("a callback URL has no fragment");
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> AllowList {
        AllowList::parse(" https://crm.example.com/cc/push ; https://10.0.0.5:8443/events;").unwrap()
    }

    #[test]
    fn a_callback_matches_an_entry_by_scheme_host_port_and_path_with_any_query() {
        let list = list();
        for admitted in [
            "https://crm.example.com/cc/push",
            "https://CRM.example.com:443/cc/push",
            "https://crm.example.com/cc/push?token=abc",
            "https://10.0.0.5:8443/events",
        ] {
            assert!(list.admit(admitted).is_ok(), "{admitted}");
        }
        for refused in [
            "http://crm.example.com/cc/push",
            "https://crm.example.com/cc/push/more",
            "https://crm.example.com/cc",
            "https://crm.example.com:8443/cc/push",
            "https://evil.example.com/cc/push",
            "https://user:pw@crm.example.com/cc/push",
            "https://crm.example.com/cc/push#x",
            "https://10.0.0.5/events",
            "not a url",
        ] {
            assert!(list.admit(refused).is_err(), "{refused}");
        }
        let long = format!("https://crm.example.com/cc/push?t={}", "x".repeat(200));
        assert!(list.admit(&long).is_err());
    }

    #[test]
    fn allow_list_entries_must_be_plain_https_urls() {
        for bad in ["http://a.example/x", "https://a.example/x?token=1", "nonsense"] {
            assert!(AllowList::parse(bad).is_err(), "{bad}");
        }
        assert!(AllowList::parse("").unwrap().is_empty());
    }
}
