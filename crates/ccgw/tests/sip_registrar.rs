//! The SIP registrar against a real SIP peer: sipp registers as an agent phone with
//! digest authentication (`tests/sipp/*.xml`) at a gateway started with `--sip-bind`.
//! Under CI a missing sipp fails the tests; elsewhere they are skipped with a note.

use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::json;

mod process;

use process::{ADMIN_TOKEN, Gateway, PASSWORD, admin, peer_present, start_with};

/// `sipp -v` exits 99 after printing its version: only whether it starts counts.
fn sipp_present() -> bool {
    peer_present("sipp", "-v", "apt-get install sip-tester")
}

/// A gateway with its registrar on a free loopback port; the registrar's address.
fn gateway_with_registrar(data_dir: &Path) -> (Gateway, String) {
    let gateway = start_with(data_dir, Stdio::null(), &[], &["--sip-bind", "127.0.0.1:0"]);
    let address = gateway.sip_address();
    (gateway, address)
}

/// A UDP port free on loopback now, for sipp's own socket.
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs one call of `scenario` from sipp as phone `number` with `password`.
fn sipp(scenario: &str, registrar: &str, number: &str, password: &str) -> Output {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp").join(scenario);
    let work_dir = tempfile::tempdir().unwrap();
    Command::new("sipp")
        .arg(registrar)
        .arg("-sf")
        .arg(&scenario)
        .args(["-s", number, "-au", number, "-ap", password])
        .args(["-i", "127.0.0.1", "-p", &free_udp_port().to_string(), "-t", "u1"])
        .args(["-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error", "-trace_err"])
        .current_dir(work_dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("sipp runs")
}

fn assert_passed(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}: sipp exited {:?}\n{}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_demo_phone_registers_with_its_digest_and_a_wrong_password_is_refused() {
    if !sipp_present() {
        return;
    }
    let data_dir = tempfile::tempdir().unwrap();
    let (_gateway, registrar) = gateway_with_registrar(data_dir.path());
    assert_passed(&sipp("register.xml", &registrar, "70101", PASSWORD), "registering with the demo password");
    assert_passed(
        &sipp("register_wrong_password.xml", &registrar, "70102", "Wrong-pass-77"),
        "a wrong password gets 403",
    );
    // A number with no SIP secret is refused the same way, telling nothing more.
    assert_passed(&sipp("register_wrong_password.xml", &registrar, "79999", PASSWORD), "no secret gets 403");
}

/// One REGISTER for 70103 from `socket`, with `authorization` when given; the status
/// line and the `WWW-Authenticate` value of the answer.
fn register_raw(socket: &UdpSocket, registrar: &str, cseq: u32, authorization: Option<&str>) -> (String, String) {
    let local = socket.local_addr().unwrap();
    let authorization = authorization.map(|value| format!("Authorization: {value}\r\n")).unwrap_or_default();
    let request = format!(
        "REGISTER sip:{registrar} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch=z9hG4bK-replay-{cseq}\r\n\
         From: <sip:70103@127.0.0.1>;tag=replay\r\n\
         To: <sip:70103@127.0.0.1>\r\n\
         Call-ID: replay-test@127.0.0.1\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Contact: <sip:70103@{local}>\r\n\
         {authorization}Max-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n"
    );
    socket.send_to(request.as_bytes(), registrar).unwrap();
    let mut buffer = [0u8; 4096];
    let (length, _) = socket.recv_from(&mut buffer).expect("an answer within 5 s");
    let answer = String::from_utf8_lossy(&buffer[..length]).into_owned();
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let challenge =
        answer.lines().find_map(|line| line.strip_prefix("WWW-Authenticate: ")).unwrap_or_default().to_owned();
    (status, challenge)
}

/// A request whose credential repeats a nonce count already used (what a captured and
/// resent REGISTER looks like) is refused; the next count with the same nonce is not.
/// Sent by hand over UDP: sipp always counts up, so it cannot replay.
#[test]
fn a_replayed_nonce_count_is_refused() {
    let data_dir = tempfile::tempdir().unwrap();
    let (_gateway, registrar) = gateway_with_registrar(data_dir.path());
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let (status, challenge) = register_raw(&socket, &registrar, 1, None);
    assert_eq!(status, "SIP/2.0 401 Unauthorized");
    let nonce = challenge.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a nonce");
    let uri = format!("sip:{registrar}");
    let ha1 = ccgw_sip::digest::ha1("70103", "ccgw", PASSWORD);
    let credential = |nc: u32| {
        let response = ccgw_sip::digest::response(&ha1, nonce, nc, "c0ffee", "REGISTER", &uri);
        format!(
            r#"Digest username="70103", realm="ccgw", nonce="{nonce}", uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc={nc:08x}, cnonce="c0ffee""#
        )
    };
    assert_eq!(register_raw(&socket, &registrar, 2, Some(&credential(1))).0, "SIP/2.0 200 OK");
    assert_eq!(register_raw(&socket, &registrar, 3, Some(&credential(1))).0, "SIP/2.0 403 Forbidden", "the replay");
    assert_eq!(register_raw(&socket, &registrar, 4, Some(&credential(2))).0, "SIP/2.0 200 OK", "the next count");
}

/// Wrong digests from one address lock it: past `sip.lock_failures` even the right
/// password is refused from there, without the secret being looked at.
#[test]
fn an_address_guessing_passwords_is_locked_out() {
    let data_dir = tempfile::tempdir().unwrap();
    let env = [("CCGW_SIP__LOCK_FAILURES", "3")];
    let gateway = start_with(data_dir.path(), Stdio::null(), &env, &["--sip-bind", "127.0.0.1:0"]);
    let line = gateway.banner_line("sip registrar:");
    let registrar = line.split_whitespace().find(|word| word.starts_with("127.0.0.1:")).unwrap().to_owned();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let uri = format!("sip:{registrar}");
    let attempt = |cseq: u32, password: &str| -> String {
        let (status, challenge) = register_raw(&socket, &registrar, cseq * 2, None);
        assert_eq!(status, "SIP/2.0 401 Unauthorized");
        let nonce = challenge.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
        let ha1 = ccgw_sip::digest::ha1("70103", "ccgw", password);
        let response = ccgw_sip::digest::response(&ha1, &nonce, 1, "c0ffee", "REGISTER", &uri);
        let credential = format!(
            r#"Digest username="70103", realm="ccgw", nonce="{nonce}", uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee""#
        );
        register_raw(&socket, &registrar, cseq * 2 + 1, Some(&credential)).0
    };
    for guess in 1..=3 {
        assert_eq!(attempt(guess, &format!("Guess-{guess}-pass")), "SIP/2.0 403 Forbidden");
    }
    // Locked: not even a challenge, whatever the password would be.
    assert_eq!(register_raw(&socket, &registrar, 20, None).0, "SIP/2.0 403 Forbidden");
}

#[tokio::test]
async fn a_secret_set_over_the_extension_api_is_the_one_the_registrar_checks() {
    if !sipp_present() {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().unwrap();
    let (gateway, registrar) = gateway_with_registrar(data_dir.path());
    let client = reqwest::Client::new();
    let url = format!("{}/ccgw/v1/phones/70104/secret", gateway.origin);
    let too_short = client.put(&url).bearer_auth(ADMIN_TOKEN).json(&json!({"secret": "short"})).send().await.unwrap();
    assert_eq!(too_short.status(), 400);
    let set = client.put(&url).bearer_auth(ADMIN_TOKEN).json(&json!({"secret": "Phone-70104-secret"})).send().await;
    assert_eq!(set.unwrap().status(), 204);
    let registrar_for_blocking = registrar.clone();
    let old = tokio::task::spawn_blocking(move || {
        sipp("register_wrong_password.xml", &registrar_for_blocking, "70104", PASSWORD)
    });
    assert_passed(&old.await.unwrap(), "the replaced demo password gets 403");
    let new = tokio::task::spawn_blocking(move || sipp("register.xml", &registrar, "70104", "Phone-70104-secret"));
    assert_passed(&new.await.unwrap(), "the new secret registers");
    let listed = admin(&client, &gateway, "GET", "phones", None).await;
    assert!(listed["phones"].as_array().unwrap().contains(&json!({"number": "70104", "realm": "ccgw"})), "{listed}");
    let removed = client.delete(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(client.delete(&url).bearer_auth(ADMIN_TOKEN).send().await.unwrap().status(), 404);
}
