//! SIP `Authorization` headers as agent phones send them to the registrar.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw::fuzz_support::sip_credentials(data));
