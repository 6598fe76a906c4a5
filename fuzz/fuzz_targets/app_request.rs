//! One request in text form through the whole gateway in process: every parser a client reaches.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw::fuzz_support::app_request(data));
