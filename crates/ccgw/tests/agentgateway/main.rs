//! Black-box tests of the Huawei agent API over real HTTPS sockets.
//! Run one area: `cargo test -p ccgw --test agentgateway calls::`.

mod calldata;
mod calls;
mod crossing;
mod distribution;
mod error_shapes;
mod event_delivery;
mod families;
mod helpers;
mod idempotency;
mod ivr;
mod phone_legs;
mod pickup;
mod queries;
mod sessions;
mod shutdown;
mod sign_in_protection;
mod states;
mod transfer;
mod transport_limits;
mod voicecall;
mod wire;
