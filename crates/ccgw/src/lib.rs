//! The `ccgw` binary's library: CLI, configuration, TLS, secrets and start-up wiring,
//! shared with the black-box tests. No domain logic lives here.

pub mod audit;
pub mod bench;
pub mod call_numbers;
pub mod cli;
pub mod commands;
pub mod config;
pub mod data_dir;
/// Entry points for the fuzz targets in `fuzz/` and their corpus replay test only.
#[doc(hidden)]
pub mod fuzz_support;
pub mod listener;
pub mod records;
pub mod secrets;
pub mod startup;
pub mod telemetry;
pub mod tls;

#[cfg(test)]
mod test_support;
