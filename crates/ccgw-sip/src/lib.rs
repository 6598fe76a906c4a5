//! ccgw-sip: the SIP side of ccgw — today the registrar for agent phones (digest
//! authentication against the HA1 the directory keeps, nonces, bindings); the SIP switch
//! that bridges trunk calls to those phones builds on it. rsipstack is used only here.

pub mod bindings;
pub mod digest;
pub mod lockout;
pub mod nonce;
pub mod registrar;
mod service;

pub use service::{SipError, SipService, SipSettings};
