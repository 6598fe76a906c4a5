//! Inbound routing: where a customer call goes by the number it dialled.
//!
//! A dialled number belongs to the VDN whose access code it *starts with* (the longest
//! such code when several do); the digits after the code are the *route suffix* (empty
//! when the number is the access code itself). The VDN's route with exactly that suffix
//! names the target: a skill queue, or an IVR flow (by access code) that queues the
//! call in a skill when it returns it. A number no access code starts with, or whose
//! suffix has no route, is unrouted: the center refuses it.

use std::collections::HashMap;

use crate::ids::{SkillId, Vdn};

/// The VDN whose records hold the calls that reached no VDN at all.
pub(crate) const UNROUTED_VDN: Vdn = Vdn::FIRST;

/// Longest route suffix (digits after the VDN's access code).
pub const MAX_ROUTE_SUFFIX_LEN: usize = 24;

/// Where a route sends a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// The call waits in this skill queue.
    Skill(SkillId),
    /// The call goes to the IVR flow with `access_code` first; when the flow returns
    /// it, it waits in `skill`.
    Ivr { access_code: String, skill: SkillId },
}

impl RouteTarget {
    /// The skill queue the call ends up in.
    pub fn skill(&self) -> SkillId {
        match self {
            RouteTarget::Skill(skill) | RouteTarget::Ivr { skill, .. } => *skill,
        }
    }
}

/// One route of a VDN's routing table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRoute {
    pub vdn: Vdn,
    /// Digits after the VDN's access code; empty for the access code itself.
    pub suffix: String,
    pub target: RouteTarget,
}

/// Whether `suffix` is a valid route suffix: up to 24 digits, possibly none.
pub fn is_route_suffix(suffix: &str) -> bool {
    suffix.len() <= MAX_ROUTE_SUFFIX_LEN && suffix.bytes().all(|b| b.is_ascii_digit())
}

/// Where a dialled number leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    To {
        vdn: Vdn,
        target: RouteTarget,
    },
    /// No route: `vdn` is the VDN whose access code matched, if one did.
    Nowhere {
        vdn: Option<Vdn>,
    },
}

/// The VDNs' access codes and their routes, as loaded from the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingTable {
    /// Access codes with their VDN, longest first.
    access_codes: Vec<(String, Vdn)>,
    routes: HashMap<(Vdn, String), RouteTarget>,
}

impl RoutingTable {
    /// `access_codes` lists each VDN with its access code (VDNs without one are left out).
    pub fn new(access_codes: impl IntoIterator<Item = (Vdn, String)>, routes: Vec<InboundRoute>) -> Self {
        let mut access_codes: Vec<(String, Vdn)> =
            access_codes.into_iter().filter(|(_, code)| !code.is_empty()).map(|(vdn, code)| (code, vdn)).collect();
        access_codes.sort_by(|(a, a_vdn), (b, b_vdn)| b.len().cmp(&a.len()).then(a.cmp(b)).then(a_vdn.cmp(b_vdn)));
        let routes = routes.into_iter().map(|route| ((route.vdn, route.suffix), route.target)).collect();
        Self { access_codes, routes }
    }

    /// The VDN whose center takes a call to `dialled`, routed or not: the VDN of the
    /// access code it starts with, else the one unrouted calls are recorded in.
    pub fn handling_vdn(&self, dialled: &str) -> Vdn {
        match self.route(dialled) {
            Routed::To { vdn, .. } | Routed::Nowhere { vdn: Some(vdn) } => vdn,
            Routed::Nowhere { vdn: None } => UNROUTED_VDN,
        }
    }

    pub fn route(&self, dialled: &str) -> Routed {
        let Some((vdn, suffix)) = self
            .access_codes
            .iter()
            .find_map(|(code, vdn)| dialled.strip_prefix(code.as_str()).map(|suffix| (*vdn, suffix)))
        else {
            return Routed::Nowhere { vdn: None };
        };
        match self.routes.get(&(vdn, suffix.to_owned())) {
            Some(target) => Routed::To { vdn, target: target.clone() },
            None => Routed::Nowhere { vdn: Some(vdn) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vdn(n: u16) -> Vdn {
        Vdn::new(n).unwrap()
    }

    fn skill(n: u32) -> SkillId {
        SkillId::new(n).unwrap()
    }

    fn table() -> RoutingTable {
        let route = |v, suffix: &str, target| InboundRoute { vdn: vdn(v), suffix: suffix.into(), target };
        RoutingTable::new(
            [(vdn(1), "4000".to_owned()), (vdn(2), "40001".to_owned()), (vdn(3), String::new())],
            vec![
                route(1, "", RouteTarget::Skill(skill(1))),
                route(1, "2", RouteTarget::Skill(skill(2))),
                route(1, "9", RouteTarget::Ivr { access_code: "4001".into(), skill: skill(1) }),
                route(2, "", RouteTarget::Skill(skill(5))),
            ],
        )
    }

    #[test]
    fn a_call_is_handled_in_the_vdn_of_its_access_code_routed_or_not() {
        let table = table();
        assert_eq!(table.handling_vdn("40002"), vdn(1));
        assert_eq!(table.handling_vdn("400017"), vdn(2), "no route, but VDN 2's code");
        assert_eq!(table.handling_vdn("5555"), Vdn::FIRST, "no VDN: recorded in the first");
    }

    #[test]
    fn the_longest_access_code_picks_the_vdn_and_the_rest_is_the_suffix() {
        let table = table();
        assert_eq!(table.route("4000"), Routed::To { vdn: vdn(1), target: RouteTarget::Skill(skill(1)) });
        assert_eq!(table.route("40002"), Routed::To { vdn: vdn(1), target: RouteTarget::Skill(skill(2)) });
        assert_eq!(
            table.route("40009"),
            Routed::To { vdn: vdn(1), target: RouteTarget::Ivr { access_code: "4001".into(), skill: skill(1) } }
        );
        // 40001 is VDN 2's own code, not VDN 1 with suffix 1.
        assert_eq!(table.route("40001"), Routed::To { vdn: vdn(2), target: RouteTarget::Skill(skill(5)) });
    }

    #[test]
    fn a_number_without_a_route_goes_nowhere_and_says_which_vdn_it_reached() {
        let table = table();
        assert_eq!(table.route("40003"), Routed::Nowhere { vdn: Some(vdn(1)) });
        // Only the longest matching code counts: no fall-back to a shorter one.
        assert_eq!(table.route("400012"), Routed::Nowhere { vdn: Some(vdn(2)) });
        assert_eq!(table.route("5000"), Routed::Nowhere { vdn: None });
        assert_eq!(table.route(""), Routed::Nowhere { vdn: None });
        assert_eq!(RoutingTable::default().route("4000"), Routed::Nowhere { vdn: None });
    }

    #[test]
    fn suffixes_are_up_to_24_digits() {
        assert!(is_route_suffix(""));
        assert!(is_route_suffix("123"));
        assert!(is_route_suffix(&"9".repeat(24)));
        assert!(!is_route_suffix(&"9".repeat(25)));
        assert!(!is_route_suffix("1a"));
        assert!(!is_route_suffix("*"));
    }
}
