//! DTMF digits an agent sends into a call (`seconddial`). ccgw carries no media, so it
//! cannot put RFC 4733 tones into the RTP stream; it sends each digit to the customer's
//! leg as a SIP INFO with `application/dtmf-relay`, which trunks, PBXs and IVRs
//! (Asterisk, FreeSWITCH, Cisco) turn into tones or act on directly.

use std::time::Duration;

use ccgw_core::{CallId, WorkNo};
use rsipstack::sip::Header;

use super::b2bua::B2bua;

/// How long each tone is said to last.
const TONE_MS: u32 = 160;
/// What a `,` in the digits waits (the dialler convention for a pause).
const PAUSE: Duration = Duration::from_millis(500);

/// The INFO body for one digit; None for a pause.
fn dtmf_relay(digit: char) -> Option<String> {
    matches!(digit, '0'..='9' | '*' | '#').then(|| format!("Signal={digit}\r\nDuration={TONE_MS}\r\n"))
}

impl B2bua {
    /// Sends `digits` to the customer of the agent's bridged call, one INFO after another
    /// (each waits for the answer to the one before, so that they arrive in order).
    pub(super) fn send_digits(&mut self, call_id: &CallId, agent: WorkNo, digits: String) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let bridged = call.answered && call.phone.as_ref().is_some_and(|leg| leg.agent == agent);
        let Some(customer) = call.customer.clone().filter(|_| bridged) else {
            tracing::warn!(call_id = %call_id, %agent, "digits for a call not bridged to the agent's phone");
            return;
        };
        let call_id = call_id.clone();
        let mut turn = call.turns.claim();
        tokio::spawn(async move {
            turn.start().await;
            crate::service::acked_soon(&customer).await;
            for digit in digits.chars() {
                let Some(body) = dtmf_relay(digit) else {
                    tokio::time::sleep(PAUSE).await;
                    continue;
                };
                let headers = vec![Header::ContentType("application/dtmf-relay".into())];
                match customer.info(Some(headers), Some(body.into_bytes())).await {
                    Ok(Some(answer)) if answer.status_code.code() < 300 => {}
                    other => {
                        let answer = other.map(|answer| answer.map(|answer| answer.status_code.code()));
                        tracing::warn!(call_id = %call_id, ?answer, "a DTMF INFO was not taken: the rest not sent");
                        return;
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_digit_is_one_dtmf_relay_body_and_a_comma_is_a_pause() {
        assert_eq!(dtmf_relay('5').unwrap(), "Signal=5\r\nDuration=160\r\n");
        assert_eq!(dtmf_relay('*').unwrap(), "Signal=*\r\nDuration=160\r\n");
        assert_eq!(dtmf_relay('#').unwrap(), "Signal=#\r\nDuration=160\r\n");
        assert_eq!(dtmf_relay(','), None);
    }
}
