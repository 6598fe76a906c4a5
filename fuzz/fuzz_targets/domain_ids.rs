//! Work numbers, VDNs, skill ids, call ids and phone numbers as clients send them.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw_api::fuzz_support::domain_ids(data));
