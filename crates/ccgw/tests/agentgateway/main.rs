//! Black-box tests of the Huawei agent API over real HTTPS sockets.
//! Run one area: `cargo test -p ccgw --test agentgateway calls::`.

mod calldata;
mod calls;
mod distribution;
mod helpers;
mod ivr;
mod queries;
mod sessions;
mod states;
mod transfer;
mod voicecall;
mod wire;
