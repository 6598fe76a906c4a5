//! Which addresses may hand calls to the center: a trunk is known by its source address.

use std::net::IpAddr;

/// One carrier or PBX that sends customer calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trunk {
    pub name: String,
    /// Addresses its INVITEs come from.
    pub sources: Vec<IpAddr>,
}

/// Every trunk the switch takes calls from. INVITEs from anywhere else get 403.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trunks {
    trunks: Vec<Trunk>,
}

impl Trunks {
    pub fn new(trunks: Vec<Trunk>) -> Self {
        Self { trunks }
    }

    /// The trunk a request from `source` arrives on, if any.
    pub fn admitting(&self, source: IpAddr) -> Option<&Trunk> {
        let source = canonical(source);
        self.trunks.iter().find(|trunk| trunk.sources.iter().any(|allowed| canonical(*allowed) == source))
    }

    pub fn is_empty(&self) -> bool {
        self.trunks.is_empty()
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trunks() -> Trunks {
        Trunks::new(vec![
            Trunk {
                name: "carrier".into(),
                sources: vec!["192.0.2.10".parse().unwrap(), "2001:db8::1".parse().unwrap()],
            },
            Trunk { name: "pbx".into(), sources: vec!["127.0.0.1".parse().unwrap()] },
        ])
    }

    #[test]
    fn a_listed_source_finds_its_trunk() {
        assert_eq!(trunks().admitting("192.0.2.10".parse().unwrap()).unwrap().name, "carrier");
        assert_eq!(trunks().admitting("2001:db8::1".parse().unwrap()).unwrap().name, "carrier");
        assert_eq!(trunks().admitting("127.0.0.1".parse().unwrap()).unwrap().name, "pbx");
    }

    #[test]
    fn an_unlisted_source_is_refused() {
        assert!(trunks().admitting("192.0.2.11".parse().unwrap()).is_none());
        assert!(trunks().admitting("::1".parse().unwrap()).is_none());
        assert!(Trunks::default().admitting("127.0.0.1".parse().unwrap()).is_none());
    }

    #[test]
    fn a_mapped_ipv4_address_is_the_ipv4_address() {
        assert_eq!(trunks().admitting("::ffff:127.0.0.1".parse().unwrap()).unwrap().name, "pbx");
    }
}
