//! The carriers and PBXs the center talks to: a trunk is known by the source addresses
//! of its INVITEs, and the one with a dial address carries the calls agents place.

use std::net::{IpAddr, SocketAddr};

/// One carrier or PBX that sends customer calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trunk {
    pub name: String,
    /// Addresses its INVITEs come from.
    pub sources: Vec<IpAddr>,
    /// Where calls to numbers outside the center are sent through it
    /// (`INVITE sip:<number>@<dial>`); None: it only brings calls in.
    pub dial: Option<SocketAddr>,
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

    /// The trunk call-outs go through: the first with a dial address.
    pub fn dialling(&self) -> Option<&Trunk> {
        self.trunks.iter().find(|trunk| trunk.dial.is_some())
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
                dial: None,
            },
            Trunk {
                name: "pbx".into(),
                sources: vec!["127.0.0.1".parse().unwrap()],
                dial: Some("127.0.0.1:5090".parse().unwrap()),
            },
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
    fn call_outs_go_through_the_first_trunk_that_dials() {
        assert_eq!(trunks().dialling().unwrap().name, "pbx");
        let inbound_only = Trunks::new(vec![Trunk { name: "in".into(), sources: Vec::new(), dial: None }]);
        assert!(inbound_only.dialling().is_none());
    }

    #[test]
    fn a_mapped_ipv4_address_is_the_ipv4_address() {
        assert_eq!(trunks().admitting("::ffff:127.0.0.1".parse().unwrap()).unwrap().name, "pbx");
    }
}
