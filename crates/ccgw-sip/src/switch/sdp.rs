//! The SDP ccgw sends on a leg: the far leg's session description, passed through (media
//! flows between the endpoints, not through ccgw), under ccgw's own origin line for that
//! leg and with the media direction ccgw chooses.
//!
//! Each leg keeps one origin (`o=ccgw <session> <version> …`) for its whole life, and the
//! version grows with every description sent on it (RFC 3264 §8). So a customer whose
//! call is held, retrieved or moved to another phone sees one session changing, never a
//! new one.

/// Which way media may flow on a leg (the `a=` direction attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    fn attribute(self) -> &'static str {
        match self {
            Direction::SendRecv => "a=sendrecv",
            Direction::SendOnly => "a=sendonly",
            Direction::RecvOnly => "a=recvonly",
            Direction::Inactive => "a=inactive",
        }
    }
}

pub(crate) const DIRECTIONS: [&str; 4] = ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"];

/// ccgw's origin on one leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegOrigin {
    session: u64,
    /// The version of the last description sent; 0 before the first.
    version: u64,
}

impl LegOrigin {
    pub fn new(session: u64) -> Self {
        Self { session, version: 0 }
    }

    /// `far` (the other leg's SDP) as ccgw sends it on this leg: its `o=` line replaced by
    /// this leg's origin with the next version, and with `direction`, when given, as the
    /// one direction of every media section. None when `far` is no SDP ccgw can carry.
    pub fn present(&mut self, far: &[u8], direction: Option<Direction>) -> Option<Vec<u8>> {
        let text = std::str::from_utf8(far).ok()?;
        let lines: Vec<&str> = text.lines().map(str::trim_end).filter(|line| !line.is_empty()).collect();
        // A carriage return inside a line would end it early at the other leg's parser.
        if lines.first() != Some(&"v=0") || lines.iter().any(|line| line.contains('\r')) {
            return None;
        }
        let mut origins = lines.iter().filter_map(|line| line.strip_prefix("o="));
        let origin = origins.next()?;
        if origins.next().is_some() {
            // One session has one origin (RFC 4566 §5).
            return None;
        }
        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>
        let address: Vec<&str> = origin.split_whitespace().skip(3).collect();
        if address.len() != 3 {
            return None;
        }
        self.version += 1;
        let mut out = String::with_capacity(far.len() + 32);
        let mut in_media = false;
        for line in lines {
            if line.starts_with("o=") {
                out.push_str(&format!("o=ccgw {} {} {}\r\n", self.session, self.version, address.join(" ")));
                continue;
            }
            if direction.is_some() && DIRECTIONS.contains(&line) {
                continue;
            }
            if line.starts_with("m=") {
                if in_media && let Some(direction) = direction {
                    out.push_str(direction.attribute());
                    out.push_str("\r\n");
                }
                in_media = true;
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        if let Some(direction) = direction
            && in_media
        {
            out.push_str(direction.attribute());
            out.push_str("\r\n");
        }
        Some(out.into_bytes())
    }
}

/// The offer that takes an agent's phone off-hook for a call the agent places, before
/// anyone's media is known (third-party call control, RFC 3725): no media yet (port 9,
/// `inactive`), with the usual telephony codecs so that the phone's answer names the ones
/// it has. That answer is then offered to the called number, and the called number's
/// answer goes to the phone by re-INVITE.
pub fn placeholder_offer(host: &str) -> Vec<u8> {
    let family = if host.contains(':') { "IP6" } else { "IP4" };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    format!(
        "v=0\r\no=ccgw 0 0 IN {family} {host}\r\ns=ccgw\r\nc=IN {family} {host}\r\nt=0 0\r\n\
         m=audio 9 RTP/AVP 0 8 9 18 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
         a=fmtp:101 0-16\r\na=inactive\r\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "v=0\r\no=phone 8 8 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

    fn text(body: Option<Vec<u8>>) -> String {
        String::from_utf8(body.expect("SDP")).unwrap()
    }

    #[test]
    fn the_far_description_passes_under_the_legs_own_origin() {
        let mut origin = LegOrigin::new(42);
        let sent = text(origin.present(PHONE.as_bytes(), None));
        assert_eq!(sent, PHONE.replace("o=phone 8 8 IN IP4 192.0.2.7", "o=ccgw 42 1 IN IP4 192.0.2.7"));
    }

    #[test]
    fn every_description_sent_on_a_leg_has_the_next_version_of_the_same_session() {
        let mut origin = LegOrigin::new(42);
        origin.present(PHONE.as_bytes(), None);
        let other_phone = PHONE.replace("o=phone 8 8 IN IP4 192.0.2.7", "o=- 1 1 IN IP4 198.51.100.3");
        let sent = text(origin.present(other_phone.as_bytes(), None));
        assert!(sent.contains("o=ccgw 42 2 IN IP4 198.51.100.3\r\n"), "{sent}");
    }

    #[test]
    fn a_direction_replaces_every_direction_attribute_once_per_media_section() {
        let two_streams = "v=0\r\no=x 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\na=sendrecv\r\nm=audio 40000 RTP/AVP 0\r\na=recvonly\r\nm=audio 40002 RTP/AVP 8\r\n";
        let sent = text(LegOrigin::new(1).present(two_streams.as_bytes(), Some(Direction::Inactive)));
        assert_eq!(
            sent,
            "v=0\r\no=ccgw 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=inactive\r\nm=audio 40002 RTP/AVP 8\r\na=inactive\r\n"
        );
        let back = text(LegOrigin::new(1).present(PHONE.as_bytes(), Some(Direction::SendRecv)));
        assert_eq!(back.matches("a=sendrecv").count(), 1, "{back}");
    }

    #[test]
    fn bare_line_feeds_are_read_and_crlf_is_written() {
        let sent = text(LegOrigin::new(3).present(PHONE.replace("\r\n", "\n").as_bytes(), None));
        assert!(sent.starts_with("v=0\r\no=ccgw 3 1 IN IP4 192.0.2.7\r\ns=-\r\n"), "{sent}");
    }

    #[test]
    fn what_is_no_sdp_is_refused_and_costs_no_version() {
        let mut origin = LegOrigin::new(5);
        assert!(origin.present(b"", None).is_none());
        assert!(origin.present(b"hello", None).is_none());
        assert!(origin.present(b"v=0\r\ns=-\r\n", None).is_none(), "no origin");
        assert!(origin.present(b"v=0\r\no=x 1 1\r\n", None).is_none(), "a short origin");
        assert!(origin.present(&[0xff, 0xfe], None).is_none());
        assert!(origin.present(PHONE.replace("s=-", "s=a\rb").as_bytes(), None).is_none(), "a bare CR");
        let two_origins = PHONE.replace("s=-", "o=x 2 2 IN IP4 192.0.2.8\r\ns=-");
        assert!(origin.present(two_origins.as_bytes(), None).is_none(), "two origins");
        assert!(text(origin.present(PHONE.as_bytes(), None)).contains("o=ccgw 5 1 "));
    }

    #[test]
    fn the_placeholder_offer_is_sdp_a_leg_can_carry_with_no_media_yet() {
        let offer = placeholder_offer("127.0.0.1");
        let sent = text(LegOrigin::new(9).present(&offer, None));
        assert!(sent.starts_with("v=0\r\no=ccgw 9 1 IN IP4 127.0.0.1\r\n"), "{sent}");
        assert!(sent.contains("c=IN IP4 127.0.0.1\r\n") && sent.contains("m=audio 9 RTP/AVP 0 8 9 18 101\r\n"));
        assert!(sent.ends_with("a=inactive\r\n"), "{sent}");
        let v6 = String::from_utf8(placeholder_offer("[::1]")).unwrap();
        assert!(v6.contains("c=IN IP6 ::1\r\n"), "{v6}");
    }
}
