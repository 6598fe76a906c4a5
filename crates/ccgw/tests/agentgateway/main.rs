//! Black-box tests of the Huawei agent API over real HTTPS sockets.
//! Run one area: `cargo test -p ccgw --test agentgateway calls::`.

mod audit;
mod calldata;
mod calls;
mod cors;
mod crash_restart;
mod crossing;
mod distribution;
mod endpoint_sweep;
mod error_shapes;
mod event_delivery;
mod families;
mod helpers;
mod idempotency;
mod ivr;
mod metrics;
mod phone_legs;
mod pickup;
mod push;
mod qualitycontrol;
mod queries;
mod random_requests;
mod request_rate;
mod sessions;
mod shutdown;
mod sign_in_protection;
mod states;
mod transfer;
mod transport_limits;
mod voicecall;
mod wire;
