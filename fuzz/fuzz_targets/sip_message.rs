//! SIP datagrams as trunks and phones send them, and SDP bodies ccgw passes on.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ccgw::fuzz_support::sip_message(data));
