//! Fuzz entries for what a SIP peer's bytes reach: the stack's message parser (every
//! datagram goes through it, in a task whose panic would silence the listener), then what
//! ccgw reads of a request (source address, dialled and calling numbers), and ccgw's own
//! SDP rewriting of a body.

use rsipstack::sip::SipMessage;

use crate::switch::sdp::{DIRECTIONS, Direction, LegOrigin};

/// A SIP message as it arrives on the wire, and the same bytes as an SDP body.
pub fn sip_message(data: &[u8]) {
    if let Ok(SipMessage::Request(request)) = SipMessage::try_from(data) {
        let _ = crate::registrar::source_address(&request);
        let called = crate::switch::b2bua::user_of_to(&request);
        assert!(called.is_none_or(|called| !called.is_empty()), "an empty dialled number was taken");
        let _ = crate::switch::b2bua::user_of_from(&request);
    }
    sdp(data);
}

/// A body ccgw passes on: what it sends is SDP with CRLF lines, one origin of ccgw's with
/// the version it counts, and with a forced direction, exactly one direction per media
/// section.
fn sdp(data: &[u8]) {
    let mut origin = LegOrigin::new(7);
    let mut version = 0;
    for direction in [None, Some(Direction::Inactive)] {
        let Some(sent) = origin.present(data, direction) else { return };
        version += 1;
        let text = String::from_utf8(sent).expect("SDP sent as UTF-8");
        assert!(text.starts_with("v=0\r\n"), "{text:?}");
        assert!(text.ends_with("\r\n") && !text.contains("\r\n\r\n"), "{text:?}");
        assert!(text.split("\r\n").all(|line| !line.contains('\n') && !line.contains('\r')), "{text:?}");
        let origins: Vec<&str> = text.split("\r\n").filter(|line| line.starts_with("o=")).collect();
        assert_eq!(origins.len(), 1, "{text:?}");
        assert!(origins[0].starts_with(&format!("o=ccgw 7 {version} ")), "{text:?}");
        if direction.is_some() {
            let sections: Vec<&str> = text.split("\r\nm=").skip(1).collect();
            for section in sections {
                // The section's first line is its m= line (without "m=" after the split).
                let directions = section.split("\r\n").skip(1).filter(|line| DIRECTIONS.contains(line)).count();
                assert_eq!(directions, 1, "{text:?}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trunk_invite_and_its_sdp_pass_the_checks() {
        let invite = "INVITE sip:4000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n\
                      From: <sip:5550100@127.0.0.1>;tag=1\r\nTo: <sip:4000@127.0.0.1>\r\nCall-ID: a\r\n\
                      CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        sip_message(invite.as_bytes());
        let sdp = "v=0\r\no=x 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\nm=video 4002 RTP/AVP 96\r\n";
        sip_message(sdp.as_bytes());
    }
}
