//! Huawei names for domain facts: retcodes, event identifiers, agent state codes. The
//! api layer renders these; nothing else in ccgw spells a Huawei string.

pub mod event_code;
pub mod retcode;
pub mod state_code;
