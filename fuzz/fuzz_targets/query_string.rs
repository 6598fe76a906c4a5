//! Query strings read leniently.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw_api::fuzz_support::query_string(data));
