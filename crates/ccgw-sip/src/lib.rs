//! ccgw-sip: the SIP side of ccgw — the registrar for agent phones (digest
//! authentication against the HA1 the directory keeps, nonces, bindings) and the SIP
//! switch, a back-to-back user agent that bridges trunk calls to those phones.
//! rsipstack is used only here.

pub mod bindings;
pub mod digest;
pub mod fuzz_support;
pub mod lockout;
pub mod nonce;
pub mod registrar;
mod service;
pub mod switch;

pub use service::{SipError, SipService, SipSettings};
pub use switch::trunks::{Trunk, Trunks};
pub use switch::{SipSwitch, SwitchOptions};
