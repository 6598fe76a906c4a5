//! Where a request comes from: the connection's peer address, as the connection layer
//! put it into the request (`ConnectInfo<SocketAddr>`), and the key failures are counted
//! under.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use http::Extensions;
use http::request::Parts;

/// The address failures are counted under. An IPv6 client is counted by its /64 prefix:
/// one host usually holds a whole /64 and could otherwise pick a fresh address for
/// every attempt. An IPv4-mapped IPv6 address counts as the IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SourceKey(IpAddr);

impl SourceKey {
    pub(crate) fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// The client of a request: its address (for logs) and its [`SourceKey`]. A request that
/// did not come through the connection layer (no peer address) counts as `0.0.0.0`, one
/// source shared by all such requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client {
    pub(crate) address: IpAddr,
    pub(crate) source: SourceKey,
}

impl Client {
    pub(crate) fn of(extensions: &Extensions) -> Self {
        let address = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| peer.ip());
        Self { address, source: SourceKey::of(address) }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.extensions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_prefix_and_mapped_ipv4_as_ipv4() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let same_prefix: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other_prefix: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(SourceKey::of(one), SourceKey::of(same_prefix));
        assert_ne!(SourceKey::of(one), SourceKey::of(other_prefix));
        assert_eq!(SourceKey::of(one).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(SourceKey::of(mapped), SourceKey::of("10.1.2.3".parse().unwrap()));
        assert_ne!(SourceKey::of("10.1.2.3".parse().unwrap()), SourceKey::of("10.1.2.4".parse().unwrap()));
    }

    #[test]
    fn a_request_without_a_peer_address_counts_as_the_unspecified_address() {
        let mut extensions = Extensions::new();
        assert_eq!(Client::of(&extensions).address, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let peer: SocketAddr = "127.0.0.2:5000".parse().unwrap();
        extensions.insert(ConnectInfo(peer));
        assert_eq!(Client::of(&extensions).source, SourceKey::of("127.0.0.2".parse().unwrap()));
    }
}
