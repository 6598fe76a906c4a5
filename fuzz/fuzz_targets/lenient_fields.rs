//! Request-body fields read leniently (numbers, booleans, strings in every client form).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw_api::fuzz_support::lenient_fields(data));
