//! Request targets with their `//` collapsed before routing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw_api::fuzz_support::request_path(data));
