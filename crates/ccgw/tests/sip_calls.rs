//! Calls on the SIP switch against real SIP peers: a gateway started with `--switch sip`,
//! sipp as the customer on a trunk and as the agents' phones (registered with digest),
//! agents working through the Huawei API. Scenarios are in `tests/sipp/`.
//! Under CI a missing sipp fails the tests; elsewhere they are skipped with a note.

use std::net::UdpSocket;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod process;

use process::{Gateway, PASSWORD, admin, peer_present, start_with};

fn sipp_present() -> bool {
    peer_present("sipp", "-v", "apt-get install sip-tester")
}

/// A gateway on the SIP switch (static auth, short poll holds) in its own data dir.
struct Center {
    gateway: Gateway,
    /// Its SIP address.
    sip: String,
    _data_dir: tempfile::TempDir,
}

impl Center {
    /// None when sipp is missing outside CI (the test is skipped).
    fn start(env: &[(&str, &str)]) -> Option<Center> {
        Self::start_configured(env, None)
    }

    /// [`Self::start`] with a configuration file of `config` (TOML).
    fn start_configured(env: &[(&str, &str)], config: Option<&str>) -> Option<Center> {
        if !sipp_present() {
            return None;
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let data_dir = tempfile::tempdir().unwrap();
        let mut all_env = vec![("CCGW_ENGINE__AUTH_MODE", "static"), ("CCGW_API__POLL_HOLD_MS", "500")];
        all_env.extend_from_slice(env);
        let config_file = data_dir.path().join("ccgw.toml");
        std::fs::write(&config_file, config.unwrap_or_default()).unwrap();
        let config_file = config_file.to_str().unwrap().to_owned();
        let args = ["--switch", "sip", "--sip-bind", "127.0.0.1:0", "--config", &config_file];
        let gateway = start_with(data_dir.path(), Stdio::null(), &all_env, &args);
        let sip = gateway.sip_address();
        Some(Center { gateway, sip, _data_dir: data_dir })
    }

    /// A phone for `number` running `scenario`, registered.
    fn phone(&self, number: &str, scenario: &str) -> Sipp {
        let port = free_udp_port();
        let phone = Sipp::start(&format!("phone {number} ({scenario})"), scenario, None, port, &["-s", number]);
        let args = ["-s", number, "-au", number, "-ap", PASSWORD, "-key", "phone_port", &port.to_string()];
        Sipp::start(&format!("registering {number}"), "phone_register.xml", Some(&self.sip), free_udp_port(), &args)
            .passes();
        phone
    }

    /// A customer calling 4000 (skill 1) from the trunk as 5550100.
    fn customer(&self, scenario: &str) -> Sipp {
        self.customer_with_media(scenario, free_udp_port())
    }

    /// [`Self::customer`] whose SDP asks for audio at 127.0.0.1:`rtp_port`.
    fn customer_with_media(&self, scenario: &str, rtp_port: u16) -> Sipp {
        let rtp_port = rtp_port.to_string();
        let args = ["-s", "4000", "-key", "caller", "5550100", "-key", "rtp_port", &rtp_port];
        Sipp::start(&format!("customer ({scenario})"), scenario, Some(&self.sip), free_udp_port(), &args)
    }

    async fn agent(&self, work_no: u32) -> Agent {
        Agent::sign_in(&self.gateway, work_no).await
    }
}

/// A center whose trunk (this machine) dials call-outs to a sipp UAS running
/// `scenario` as the called number; DTMF goes as SIP INFO.
fn center_dialling_to(scenario: &str) -> Option<(Center, Sipp)> {
    if !sipp_present() {
        return None;
    }
    let port = free_udp_port();
    let number = Sipp::start(&format!("called number ({scenario})"), scenario, None, port, &["-s", "5550123"]);
    let config = format!("[[sip.trunks]]\nname = \"pstn\"\nsources = [\"127.0.0.1\"]\ndial = \"127.0.0.1:{port}\"\n");
    Center::start_configured(&[("CCGW_SIP__DTMF_INFO", "true")], Some(&config)).map(|center| (center, number))
}

/// Agent 101 who has just called out to 5550123: the called number and 101's phone are
/// sipp scenarios.
struct CallingOut {
    center: Center,
    number: Sipp,
    phone: Sipp,
    agent: Agent,
}

impl CallingOut {
    async fn start(number_scenario: &str, phone_scenario: &str) -> Option<CallingOut> {
        let (center, number) = center_dialling_to(number_scenario)?;
        let phone = center.phone("70101", phone_scenario);
        let agent = center.agent(101).await;
        let callout = agent.call_with("PUT", "voicecall/{}/callout", Some(json!({"called": "5550123"}))).await;
        assert_eq!(callout["retcode"], "0", "{callout}");
        Some(CallingOut { center, number, phone, agent })
    }
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One sipp process running one call of `scenario`.
struct Sipp {
    child: Child,
    what: String,
    _work_dir: tempfile::TempDir,
}

impl Sipp {
    /// sipp on `port` running `scenario` with `args`; against `remote` as a UAC, or as a
    /// UAS waiting for a call when `remote` is None.
    fn start(what: &str, scenario: &str, remote: Option<&str>, port: u16, args: &[&str]) -> Sipp {
        let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp").join(scenario);
        let work_dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("sipp");
        if let Some(remote) = remote {
            command.arg(remote);
        }
        let child = command
            .arg("-sf")
            .arg(&scenario)
            .args(args)
            .args(["-i", "127.0.0.1", "-p", &port.to_string(), "-t", "u1", "-m", "1", "-nostdin"])
            // Keep-alive OPTIONS that a scenario does not expect are answered 200.
            .arg("-aa")
            .args(["-timeout", "40s", "-timeout_error", "-trace_err", "-trace_msg"])
            .current_dir(work_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sipp runs");
        Sipp { child, what: what.to_owned(), _work_dir: work_dir }
    }

    /// Waits for the scenario to end and asserts that it passed.
    fn passes(mut self) {
        let deadline = Instant::now() + Duration::from_secs(45);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "{}: sipp still running", self.what);
            std::thread::sleep(Duration::from_millis(50));
        };
        if !status.success() {
            let mut stderr = String::new();
            use std::io::Read;
            let _ = self.child.stderr.take().unwrap().read_to_string(&mut stderr);
            let traces: String = std::fs::read_dir(self._work_dir.path())
                .unwrap()
                .filter_map(Result::ok)
                .map(|entry| {
                    format!(
                        "--- {:?}\n{}",
                        entry.file_name(),
                        std::fs::read_to_string(entry.path()).unwrap_or_default()
                    )
                })
                .collect();
            panic!("{}: sipp exited {:?}\n{stderr}\n{traces}", self.what, status.code());
        }
    }
}

impl Drop for Sipp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An agent of the demo center on its phone `70<work_no>`, through the Huawei API.
struct Agent {
    client: reqwest::Client,
    base: String,
    work_no: u32,
    guid: String,
    seen: Vec<String>,
}

impl Agent {
    async fn sign_in(gateway: &Gateway, work_no: u32) -> Agent {
        Agent::sign_in_with(gateway, work_no, json!({})).await
    }

    /// [`Self::sign_in`] with more fields in the sign-in body.
    async fn sign_in_with(gateway: &Gateway, work_no: u32, more: Value) -> Agent {
        let client = reqwest::Client::new();
        let mut body = json!({"password": PASSWORD, "phonenum": format!("70{work_no}"), "status": "4"});
        if let (Some(body), Some(more)) = (body.as_object_mut(), more.as_object()) {
            body.extend(more.clone());
        }
        let response = client.put(format!("{}/onlineagent/{work_no}", gateway.base)).json(&body).send().await.unwrap();
        let guid = response.headers()["Set-GUID"].to_str().unwrap().trim_start_matches("JSESSIONID=").to_owned();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["retcode"], "0", "sign-in of {work_no}: {answer}");
        let agent = Agent { client, base: gateway.base.clone(), work_no, guid, seen: Vec::new() };
        let free = agent.call("POST", "onlineagent/{}/sayfree").await;
        assert_eq!(free["retcode"], "0", "{free}");
        agent
    }

    async fn call(&self, method: &str, path: &str) -> Value {
        self.call_with(method, path, None).await
    }

    /// [`Self::call`] with a JSON body; the HTTP status must be 200 whatever the retcode.
    async fn call_with(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = path.replace("{}", &self.work_no.to_string());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}/{path}", self.base)).header("Guid", &self.guid);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// Polls until an event of `kind` arrives (the ones before it are kept in `seen`).
    async fn wait_for(&mut self, kind: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let answer = self.call("GET", "agentevent/{}").await;
            assert_eq!(answer["retcode"], "0", "{answer}");
            if let Some(event_type) = answer["event"]["eventType"].as_str() {
                self.seen.push(event_type.to_owned());
                if event_type == kind {
                    return answer["event"].clone();
                }
            }
        }
        panic!("agent {}: no {kind} within 30 s; saw {:?}", self.work_no, self.seen);
    }

    /// The events seen so far, in order, that are among `kinds`.
    fn seen_of(&self, kinds: &[&str]) -> Vec<&str> {
        self.seen.iter().map(String::as_str).filter(|kind| kinds.contains(kind)).collect()
    }
}

/// The record of the one call with `caller`, once written.
async fn record_of_caller(gateway: &Gateway, caller: &str) -> Value {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let body = admin(&client, gateway, "GET", "records", None).await;
        let found = body["records"].as_array().and_then(|records| {
            records.iter().find(|record| record.to_string().contains(caller) && record["outcome"].is_string()).cloned()
        });
        if let Some(record) = found {
            return record;
        }
        assert!(Instant::now() < deadline, "no record of the call from {caller}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Agent 101 without auto-answer, on the SIP switch.
async fn manual_agent_101(center: &Center) -> Agent {
    let agent = center.agent(101).await;
    let manual = agent.call("POST", "onlineagent/{}/autoanswer/false").await;
    assert_eq!(manual["retcode"], "0", "{manual}");
    agent
}

/// The whole inbound call, answered at the phone: the trunk's INVITE is queued (180) and
/// offered to agent 101, whose registered phone rings with the customer's SDP (the call
/// rings at the agent too) and is picked up: that answers the call, and the customer gets
/// 200 with the phone's SDP. The agent's release through the API sends BYE to both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trunk_call_answered_at_the_phone_connects_and_the_agents_release_ends_both_legs() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_answers.xml");
    let mut agent = manual_agent_101(&center).await;
    let customer = center.customer("customer_call.xml");
    agent.wait_for("AgentEvent_Talking").await;
    let ringing_index = agent.seen.iter().position(|kind| kind == "AgentEvent_Ringing").expect("Ringing");
    assert_eq!(
        agent.seen[ringing_index - 1..],
        [
            "AgentOther_PhoneAlerting",
            "AgentEvent_Ringing",
            "AgentOther_PhoneOffhook",
            "AgentEvent_Customer_Alerting",
            "AgentEvent_Talking"
        ]
    );
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    phone.passes();
    agent.wait_for("AgentEvent_Call_Release").await;
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// Answering through the API while the phone rings: ccgw cancels the ringing INVITE and
/// rings the phone again asking it to answer by itself; its answer connects the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_through_the_api_makes_the_ringing_phone_answer() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_answers_when_told.xml");
    let mut agent = manual_agent_101(&center).await;
    let customer = center.customer("customer_call.xml");
    let ringing = agent.wait_for("AgentEvent_Ringing").await;
    assert_eq!(ringing["content"]["caller"], "5550100", "{ringing}");
    assert_eq!(ringing["content"]["called"], "4000", "{ringing}");
    let answered = agent.call("PUT", "voicecall/{}/answer").await;
    assert_eq!(answered["retcode"], "0", "{answered}");
    agent.wait_for("AgentEvent_Talking").await;
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// An auto-answering agent (the demo's default): the offer asks the phone to answer by
/// itself, and the agent talks as soon as it does; the agent putting the handset down (the phone's BYE) releases the call as `release` does,
/// so the customer gets BYE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_answering_agent_talks_when_the_phone_answers_and_hanging_up_ends_the_call() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_hangs_up.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_call.xml");
    agent.wait_for("AgentEvent_Talking").await;
    assert_eq!(
        agent.seen_of(&["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Auto_Answer"]),
        ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Auto_Answer"]
    );
    phone.passes();
    customer.passes();
    agent.wait_for("AgentEvent_Call_Release").await;
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A busy phone (486) fails the offer: the agent gets `AgentEvent_Connect_Fail` and is
/// set busy, and the call goes back to the queue, where the next agent's phone takes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_phone_sends_the_call_back_to_the_queue_for_the_next_agent() {
    let Some(center) = Center::start(&[]) else { return };
    let busy_phone = center.phone("70101", "phone_busy.xml");
    let mut first = center.agent(101).await;
    let customer = center.customer("customer_call.xml");
    first.wait_for("AgentEvent_Connect_Fail").await;
    busy_phone.passes();
    let answering_phone = center.phone("70102", "phone_answers.xml");
    let mut second = center.agent(102).await;
    second.wait_for("AgentEvent_Talking").await;
    let released = second.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    answering_phone.passes();
    assert!(first.seen.iter().any(|kind| kind == "AgentState_Busy"), "{:?}", first.seen);
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// The customer gives up while the agent's phone rings: ccgw cancels the phone's INVITE,
/// the agent is told the customer left, and the call is recorded as abandoned ringing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_cancelling_while_the_phone_rings_cancels_the_phone() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_rings.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_cancels.xml");
    agent.wait_for("AgentOther_PhoneAlerting").await;
    customer.passes();
    phone.passes();
    agent.wait_for("AgentEvent_Customer_Release").await;
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "abandoned-ringing", "{record}");
}

/// A customer who hangs up while queued (no agent is free) leaves only the record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_cancelling_in_the_queue_is_recorded_as_abandoned() {
    let Some(center) = Center::start(&[]) else { return };
    center.customer("customer_cancels.xml").passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "abandoned-in-queue", "{record}");
}

/// An INVITE from an address that is no configured trunk gets 403, and no call exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_from_an_address_that_is_no_trunk_is_refused() {
    let trunks = r#"[{name="carrier",sources=["192.0.2.10"]}]"#;
    let Some(center) = Center::start(&[("CCGW_SIP__TRUNKS", trunks)]) else { return };
    center.customer("customer_refused.xml").passes();
    let body = admin(&reqwest::Client::new(), &center.gateway, "GET", "records", None).await;
    assert_eq!(body["records"], json!([]), "{body}");
}

/// baresip as it would run on an agent's desk: registered with the demo password as
/// 70101's phone, answering by itself, sending a tone as RTP. Killed when dropped.
struct Baresip {
    child: Child,
    output: std::path::PathBuf,
    _config: tempfile::TempDir,
}

impl Baresip {
    fn start(registrar: &str) -> Baresip {
        let config = tempfile::tempdir().unwrap();
        let tone = config.path().join("tone.wav");
        std::fs::write(&tone, tone_wav()).unwrap();
        let heard = config.path().join("heard.wav");
        let settings = format!(
            "sip_listen\t127.0.0.1:{sip_port}\n\
             module_path\t/usr/lib/baresip/modules\n\
             module\tg711.so\n\
             module\taufile.so\n\
             module_app\taccount.so\n\
             audio_source\taufile,{tone}\n\
             audio_player\taufile,{heard}\n\
             audio_alert\taufile,{heard}\n\
             rtp_ports\t25000-25999\n",
            sip_port = free_udp_port(),
            tone = tone.display(),
            heard = heard.display(),
        );
        std::fs::write(config.path().join("config"), settings).unwrap();
        let account = format!("<sip:70101@{registrar}>;auth_pass={PASSWORD};answermode=auto;regint=600\n");
        std::fs::write(config.path().join("accounts"), account).unwrap();
        let output = config.path().join("baresip.out");
        let child = Command::new("baresip")
            .args(["-n", "127.0.0.1", "-f"])
            .arg(config.path())
            .args(["-t", "120"])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&output).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("baresip runs");
        let baresip = Baresip { child, output, _config: config };
        baresip.wait_for("[1 binding]");
        baresip
    }

    /// Waits until baresip has printed `text`.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let printed = std::fs::read(&self.output).unwrap_or_default();
            if String::from_utf8_lossy(&printed).contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "baresip never printed {text:?}:\n{}",
                String::from_utf8_lossy(&printed)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Baresip {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Ten seconds of a 440 Hz tone, 8 kHz 16-bit mono WAV, for baresip to send.
fn tone_wav() -> Vec<u8> {
    let samples: Vec<u8> = (0..80_000u32)
        .flat_map(|n| {
            let value = (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * f64::from(n) / 8000.0).sin()) as i16;
            value.to_le_bytes()
        })
        .collect();
    let mut wav = Vec::with_capacity(44 + samples.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16_000u32.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // block align
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// An independent SIP phone works with ccgw's registrar and offers: baresip registers
/// with digest as 70101, is offered the customer's call with the customer's SDP, answers
/// by itself, and sends real RTP (PCMU) straight to the customer's media address — which
/// it can only know through ccgw passing the SDP on. The agent's release ends both legs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_as_the_agents_phone_answers_and_sends_rtp_to_the_customer() {
    if !peer_present("baresip", "-h", "apt-get install baresip-core") {
        return;
    }
    let Some(center) = Center::start(&[]) else { return };
    let phone = Baresip::start(&center.sip);
    let mut agent = center.agent(101).await;
    let media = UdpSocket::bind("127.0.0.1:0").unwrap();
    media.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let customer = center.customer_with_media("customer_call.xml", media.local_addr().unwrap().port());
    agent.wait_for("AgentEvent_Talking").await;
    let mut packets = 0;
    let mut buffer = [0u8; 2048];
    while packets < 25 {
        let (length, from) = media.recv_from(&mut buffer).expect("RTP from baresip within 5 s");
        assert!(from.ip().is_loopback(), "{from}");
        assert!(length > 12, "an RTP header and payload: {length} bytes");
        assert_eq!(buffer[0] >> 6, 2, "RTP version 2");
        assert_eq!(buffer[1] & 0x7f, 0, "payload type 0 (PCMU), the one codec the customer offered");
        packets += 1;
    }
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    // baresip says "session closed" when the BYE ends its call.
    phone.wait_for("session closed");
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A call-out by third-party call control: the agent's phone is taken off-hook first
/// (no media yet, asked to answer by itself), its SDP offered to the number through the
/// dialling trunk, and the number's answer given to the phone by re-INVITE (the
/// scenarios check each SDP). The agent sees the documented events, sends DTMF (SIP INFO
/// to the number), releases, and both legs get BYE; the record says answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_out_takes_the_phone_off_hook_dials_through_the_trunk_and_bridges_the_media() {
    let Some(CallingOut { center, number, phone, mut agent }) =
        CallingOut::start("number_answers.xml", "phone_calls_out.xml").await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Talking").await;
    let steps =
        ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Customer_Alerting", "AgentEvent_Talking"];
    assert_eq!(agent.seen_of(&steps), steps);
    let digits = agent.call("POST", "voicecall/{}/seconddial/1%23").await;
    assert_eq!(digits["retcode"], "0", "{digits}");
    // The release's BYE waits for the INFOs under way (the scenario wants both first).
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    number.passes();
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550123").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A busy number: its 486 fails the call-out with the documented events and cause 17
/// (busy) in `OUTBOUND_DETECT_EVENT`; the phone, off-hook for it, gets BYE and the agent
/// is idle again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_number_fails_the_call_out_and_hangs_the_phone_up() {
    let Some(CallingOut { center: _center, number, phone, mut agent }) =
        CallingOut::start("number_busy.xml", "phone_calls_out_in_vain.xml").await
    else {
        return;
    };
    let detect = agent.wait_for("OUTBOUND_DETECT_EVENT").await;
    assert_eq!(detect["content"]["detect"], 17, "{detect}");
    assert!(agent.seen.iter().any(|kind| kind == "AgentEvent_Call_Out_Fail"), "{:?}", agent.seen);
    number.passes();
    phone.passes();
    agent.wait_for("AgentState_Ready").await;
    let status = agent.call("GET", "onlineagent/{}/agentstatus").await;
    assert_eq!(status["result"]["agentState"], 4, "idle again: {status}");
}

/// The agent gives up while the number rings: ccgw CANCELs the INVITE to the number and
/// hangs the phone up; the record says the call-out failed, cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releasing_a_ringing_call_out_cancels_the_number() {
    let Some(CallingOut { center, number, phone, mut agent }) =
        CallingOut::start("number_rings_until_cancelled.xml", "phone_calls_out_in_vain.xml").await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Customer_Alerting").await;
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    number.passes();
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550123").await;
    assert_eq!(record["outcome"], "failed", "{record}");
    assert_eq!(record["failure"], "cancelled", "{record}");
}

/// The number hangs up a talking call-out (its BYE): the agent is told the customer left,
/// and the phone gets BYE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_number_hanging_up_ends_the_call_out_for_the_agent_and_the_phone() {
    let Some(CallingOut { center, number, phone, mut agent }) =
        CallingOut::start("number_hangs_up.xml", "phone_calls_out.xml").await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Talking").await;
    let release = agent.wait_for("AgentEvent_Customer_Release").await;
    assert_eq!(release["content"]["number"], "5550123", "{release}");
    number.passes();
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550123").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// Agent 101 talking with a customer call who has just asked to transfer it to agent 102
/// (idle, signed in after 101 took the call), each party a sipp scenario.
struct Transferring {
    center: Center,
    first_phone: Sipp,
    second_phone: Sipp,
    customer: Sipp,
    first: Agent,
    second: Agent,
}

impl Transferring {
    /// `scenarios`: 101's phone, 102's phone, the customer; `mode` of the transfer.
    async fn start(scenarios: [&str; 3], mode: u8) -> Option<Transferring> {
        let center = Center::start(&[])?;
        let first_phone = center.phone("70101", scenarios[0]);
        let second_phone = center.phone("70102", scenarios[1]);
        let mut first = center.agent(101).await;
        let customer = center.customer(scenarios[2]);
        first.wait_for("AgentEvent_Talking").await;
        let second = center.agent(102).await;
        let transfer = json!({"devicetype": 2, "address": "102", "mode": mode});
        let transferred = first.call_with("POST", "voicecall/{}/transfer", Some(transfer)).await;
        assert_eq!(transferred["retcode"], "0", "{transferred}");
        Some(Transferring { center, first_phone, second_phone, customer, first, second })
    }

    /// 102 has the customer (101's phone is done), talks and releases: BYE to the
    /// customer and 102's phone, and the record says answered.
    async fn ends_talking_at_102(mut self) {
        let talking = self.second.wait_for("AgentEvent_Talking").await;
        assert_eq!(talking["content"]["caller"], "5550100", "{talking}");
        self.first_phone.passes();
        let released = self.second.call("DELETE", "voicecall/{}/release").await;
        assert_eq!(released["retcode"], "0", "{released}");
        self.customer.passes();
        self.second_phone.passes();
        let record = record_of_caller(&self.center.gateway, "5550100").await;
        assert_eq!(record["outcome"], "answered", "{record}");
    }
}

/// A blind transfer to another agent: the first phone gets BYE and the customer is held
/// (re-INVITE with `a=inactive`) while agent 102's phone rings with the customer's media;
/// once it answers, the customer is re-invited with the new phone's SDP — same dialog,
/// same origin, next version. 102 talks and releases: BYE to both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_transfer_moves_the_customer_to_the_next_agents_phone_by_reinvite() {
    let scenarios = ["phone_answers.xml", "phone_takes_transfer.xml", "customer_transferred.xml"];
    let Some(mut scene) = Transferring::start(scenarios, 0).await else { return };
    scene.first.wait_for("AgentEvent_Call_Release").await;
    scene.ends_talking_at_102().await;
}

/// A transfer that waits for the target (mode 2): the call is held (both legs
/// `a=inactive`) while agent 102's phone rings within it; when 102's phone answers, 102
/// has the call, 101's phone gets BYE and the customer is re-invited with 102's SDP;
/// 101 hears the transfer succeeded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_waiting_for_the_target_moves_the_customer_once_it_answers() {
    let scenarios = ["phone_held_for_transfer.xml", "phone_takes_transfer.xml", "customer_transferred.xml"];
    let Some(mut scene) = Transferring::start(scenarios, 2).await else { return };
    let result = scene.first.wait_for("AgentEvent_SuccTransResult").await;
    assert_eq!(result["content"]["result"], 0, "the transfer succeeded: {result}");
    scene.ends_talking_at_102().await;
}

/// The target's phone is busy (486): the transfer fails, agent 101 is told so and has
/// the customer back — both legs re-invited `a=sendrecv` — and releases it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_to_a_busy_phone_fails_and_the_agent_retrieves_the_customer() {
    let scenarios = ["phone_held.xml", "phone_busy.xml", "customer_held.xml"];
    // The gateway and agent 102 must live to the end: bound, not dropped.
    let Some(Transferring { center: _center, first_phone, second_phone, customer, mut first, second: _second }) =
        Transferring::start(scenarios, 2).await
    else {
        return;
    };
    let result = first.wait_for("AgentEvent_SuccTransResult").await;
    assert_eq!(result["content"]["result"], 1, "the transfer failed: {result}");
    first.wait_for("AgentEvent_Talking").await;
    second_phone.passes();
    let released = first.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    first_phone.passes();
    customer.passes();
}

/// An internal call: agent 101's phone is taken off-hook first (as for a call-out), then
/// agent 102's phone rings with 101's media, from 70101; when it answers, 101's phone is
/// re-invited with 102's SDP. Both agents talk; 101's release sends BYE to both phones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_call_bridges_the_placing_phone_to_the_called_agents_phone() {
    let Some(center) = Center::start(&[]) else { return };
    let placing_phone = center.phone("70101", "phone_calls_out.xml");
    let called_phone = center.phone("70102", "phone_takes_internal_call.xml");
    let mut placer = center.agent(101).await;
    let mut called = center.agent(102).await;
    let call = placer.call_with("PUT", "voicecall/{}/callinner", Some(json!({"called": "102"}))).await;
    assert_eq!(call["retcode"], "0", "{call}");
    placer.wait_for("AgentEvent_Talking").await;
    called.wait_for("AgentEvent_Talking").await;
    let steps =
        ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Customer_Alerting", "AgentEvent_Talking"];
    assert_eq!(placer.seen_of(&steps), steps);
    let released = placer.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    placing_phone.passes();
    called_phone.passes();
    called.wait_for("AgentEvent_Call_Release").await;
}

/// Consultation, then connecthold: agent 101 holds its customer (both legs
/// `a=inactive`) and consults agent 102, whose phone is offered 101's phone's media from
/// 70101; when it answers, 101's phone — the same dialog, lent to the consultation — is
/// re-invited with 102's SDP. `connecthold` then gives 102's phone the customer's media
/// and the customer 102's (each on its own dialog and origin, next version), and 101's
/// phone gets BYE. 102 talks with the customer and releases: BYE to both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consultation_then_connecthold_hands_the_customer_to_the_helpers_phone() {
    let Some(center) = Center::start(&[]) else { return };
    let first_phone = center.phone("70101", "phone_consults.xml");
    let helper_phone = center.phone("70102", "phone_helps.xml");
    let mut first = center.agent(101).await;
    let customer = center.customer("customer_transferred.xml");
    let talking = first.wait_for("AgentEvent_Talking").await;
    let held = talking["content"]["callid"].as_str().expect("the customer call's id").to_owned();
    let mut helper = center.agent(102).await;
    let help = json!({"dstaddress": "102", "devicetype": 2, "mode": 1});
    let consulted = first.call_with("POST", "voicecall/{}/innerhelp", Some(help)).await;
    assert_eq!(consulted["retcode"], "0", "{consulted}");
    first.wait_for("AgentEvent_Hold").await;
    helper.wait_for("AgentEvent_Talking").await;
    first.wait_for("AgentEvent_Talking").await;
    let connected = first.call("POST", &format!("voicecall/{{}}/connecthold/{held}")).await;
    assert_eq!(connected["retcode"], "0", "{connected}");
    first.wait_for("AgentOther_PhoneRelease").await;
    first_phone.passes();
    let moved = helper.wait_for("AgentEvent_Talking").await;
    assert_eq!(moved["content"]["callid"], held.as_str(), "{moved}");
    assert_eq!(moved["content"]["caller"], "5550100", "{moved}");
    let released = helper.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    helper_phone.passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A consultation whose helper's phone is busy: agent 101 hears the consultation
/// failed, its phone — lent to the consultation — comes back to the held customer call
/// (re-invited `a=inactive`), and retrieving the customer re-invites both legs
/// `a=sendrecv`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_consultation_gives_the_phone_back_to_the_held_customer() {
    let Some(center) = Center::start(&[]) else { return };
    let first_phone = center.phone("70101", "phone_consults_in_vain.xml");
    let helper_phone = center.phone("70102", "phone_busy.xml");
    let mut first = center.agent(101).await;
    let customer = center.customer("customer_held.xml");
    let talking = first.wait_for("AgentEvent_Talking").await;
    let held = talking["content"]["callid"].as_str().expect("the customer call's id").to_owned();
    let _helper = center.agent(102).await;
    let help = json!({"dstaddress": "102", "devicetype": 2, "mode": 1});
    let consulted = first.call_with("POST", "voicecall/{}/innerhelp", Some(help)).await;
    assert_eq!(consulted["retcode"], "0", "{consulted}");
    first.wait_for("AgentEvent_Consult_Fail").await;
    helper_phone.passes();
    let retrieved = first.call("POST", &format!("voicecall/{{}}/gethold?callid={held}")).await;
    assert_eq!(retrieved["retcode"], "0", "{retrieved}");
    first.wait_for("AgentEvent_Talking").await;
    let released = first.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    first_phone.passes();
    customer.passes();
}

/// Agent 101 talking with a customer call, on a center whose trunk dials the number
/// 5550123 (a sipp UAS running `number_scenario`), has just asked to transfer the call
/// to that number in `mode`.
async fn transferring_to_the_number(
    number_scenario: &str,
    phone_scenario: &str,
    mode: u8,
) -> Option<(Center, Sipp, Sipp, Sipp, Agent)> {
    let (center, number) = center_dialling_to(number_scenario)?;
    let phone = center.phone("70101", phone_scenario);
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_transferred_to_number.xml");
    agent.wait_for("AgentEvent_Talking").await;
    let to_the_number = json!({"devicetype": 5, "address": "5550123", "mode": mode});
    let transferred = agent.call_with("POST", "voicecall/{}/transfer", Some(to_the_number)).await;
    assert_eq!(transferred["retcode"], "0", "{transferred}");
    Some((center, number, phone, customer, agent))
}

/// A blind transfer to a number: the agent's phone gets BYE and the customer is held
/// while the number, invited through the dialling trunk from the customer's number, is
/// offered the customer's media two-way; when it answers, the customer is re-invited with
/// the number's SDP. The number hangs up later: BYE to the customer, and the call's
/// record is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blind_transfer_to_a_number_connects_the_customer_with_it() {
    let Some((center, number, phone, customer, mut agent)) =
        transferring_to_the_number("number_takes_transfer.xml", "phone_answers.xml", 1).await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Call_Release").await;
    phone.passes();
    number.passes();
    customer.passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A transfer to a number that waits for its answer (mode 2): the call is held (both
/// legs `a=inactive`) while the number rings; when it answers, the customer is re-invited
/// with its SDP, the agent hears the transfer succeeded and its phone gets BYE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_to_a_number_waiting_for_its_answer_hands_the_customer_over() {
    let Some((_center, number, phone, customer, mut agent)) =
        transferring_to_the_number("number_takes_transfer.xml", "phone_held_for_transfer.xml", 2).await
    else {
        return;
    };
    let result = agent.wait_for("AgentEvent_SuccTransResult").await;
    assert_eq!(result["content"]["result"], 0, "the transfer succeeded: {result}");
    phone.passes();
    number.passes();
    customer.passes();
}

/// A talk transfer to a number (mode 3): the customer is held and the agent's phone —
/// lent to a call of its own — talks with the number, which was offered the phone's media;
/// when the agent hangs up, the number's dialog joins the customer's call: the number is
/// re-invited with the customer's SDP and the customer with the number's, and the phone
/// gets BYE. The number hangs up later: BYE to the customer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_talk_transfer_to_a_number_connects_it_with_the_customer_when_the_agent_hangs_up() {
    let Some((_center, number, phone, customer, mut agent)) =
        transferring_to_the_number("number_consulted.xml", "phone_talks_to_number.xml", 3).await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Hold").await;
    agent.wait_for("AgentEvent_Talking").await;
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    phone.passes();
    number.passes();
    customer.passes();
}

/// A talk transfer completed by putting the handset down: the phone's BYE is the agent
/// hanging up, so the number joins the customer's call as when the agent releases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_talk_transfer_completes_when_the_agent_puts_the_handset_down() {
    let Some((_center, number, phone, customer, mut agent)) =
        transferring_to_the_number("number_consulted.xml", "phone_hangs_up_to_transfer.xml", 3).await
    else {
        return;
    };
    agent.wait_for("AgentEvent_Hold").await;
    agent.wait_for("AgentEvent_Talking").await;
    phone.passes();
    number.passes();
    customer.passes();
    agent.wait_for("AgentOther_PhoneRelease").await;
}

/// A queue that overflows to a number (here: skill 1, nobody signed in to answer):
/// the waiting customer's offer goes to the number through the dialling trunk, and the
/// number's answer is the customer's 200 OK with the number's SDP. The center is done
/// with the call (its record says overflowed); when the number hangs up, ccgw ends the
/// customer's leg by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_overflowing_to_a_number_connects_the_waiting_customer_with_it() {
    let Some((center, number)) = center_dialling_to("number_takes_transfer.xml") else { return };
    let client = reqwest::Client::new();
    let overflow = json!({"overflow": {"number": "5550123"}, "refuseWhenUnstaffed": true});
    let patched = admin(&client, &center.gateway, "PATCH", "skills/1/1", Some(overflow)).await;
    assert_eq!(patched["overflow"], json!({"number": "5550123"}), "{patched}");
    let customer = center.customer("customer_redirected.xml");
    number.passes();
    customer.passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "overflowed", "{record}");
}

/// Always off-hook (`releasephone: false`): ccgw calls the agent's phone at sign-in and
/// keeps the line. A customer's offer does not ring the phone; the agent answers through
/// the API, which bridges the line to the customer by re-INVITE (the customer gets 200
/// with the phone's SDP). After the release the line is parked without media, and sign-out
/// hangs it up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_always_off_hook_phone_keeps_its_line_and_calls_are_bridged_onto_it() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_always_off_hook.xml");
    let off_hook = json!({"releasephone": "false", "autoanswer": "false"});
    let mut agent = Agent::sign_in_with(&center.gateway, 101, off_hook).await;
    let customer = center.customer("customer_call.xml");
    agent.wait_for("AgentEvent_Ringing").await;
    let answered = agent.call("PUT", "voicecall/{}/answer").await;
    assert_eq!(answered["retcode"], "0", "{answered}");
    agent.wait_for("AgentEvent_Talking").await;
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    customer.passes();
    agent.wait_for("AgentOther_PhoneRelease").await;
    let signed_out = agent.call("DELETE", "onlineagent/{}/logout").await;
    assert_eq!(signed_out["retcode"], "0", "{signed_out}");
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// An always-off-hook agent calls out: its line is the call's phone as it is — no
/// `AgentOther_PhoneAlerting` (spec S11) — the number is offered the line's SDP, and the
/// line is re-invited with the number's once it answers. The number hangs up: the line is
/// parked, and sign-out hangs it up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_always_off_hook_phone_calls_out_on_its_line() {
    let Some((center, number)) = center_dialling_to("number_hangs_up.xml") else { return };
    let phone = center.phone("70101", "phone_off_hook_calls_out.xml");
    let mut agent = Agent::sign_in_with(&center.gateway, 101, json!({"releasephone": false})).await;
    let callout = agent.call_with("PUT", "voicecall/{}/callout", Some(json!({"called": "5550123"}))).await;
    assert_eq!(callout["retcode"], "0", "{callout}");
    agent.wait_for("AgentEvent_Talking").await;
    agent.wait_for("AgentEvent_Customer_Release").await;
    number.passes();
    agent.wait_for("AgentOther_PhoneRelease").await;
    let steps = ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Talking"];
    assert_eq!(agent.seen_of(&steps), ["AgentOther_PhoneOffhook", "AgentEvent_Talking"]);
    let signed_out = agent.call("DELETE", "onlineagent/{}/logout").await;
    assert_eq!(signed_out["retcode"], "0", "{signed_out}");
    phone.passes();
    let record = record_of_caller(&center.gateway, "5550123").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// `disconnect` of the customer's number in a two-party call releases it: BYE to the
/// customer and to the agent's phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_the_customer_ends_the_call_on_both_legs() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_answers.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_call.xml");
    agent.wait_for("AgentEvent_Talking").await;
    let disconnected = agent.call("POST", "voicecall/{}/disconnect/5550100").await;
    assert_eq!(disconnected["retcode"], "0", "{disconnected}");
    customer.passes();
    phone.passes();
    agent.wait_for("AgentEvent_Call_Release").await;
}

/// With `sip.require_registered_phone`, an agent whose phone has not registered is
/// refused at sign-in (`100-013`, saying so); once the phone registers, the same
/// sign-in passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_can_require_the_agents_phone_to_be_registered() {
    let Some(center) = Center::start(&[("CCGW_SIP__REQUIRE_REGISTERED_PHONE", "true")]) else { return };
    let client = reqwest::Client::new();
    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": "4"});
    let url = format!("{}/onlineagent/101", center.gateway.base);
    let refused: Value = client.put(&url).json(&body).send().await.unwrap().json().await.unwrap();
    assert_eq!(refused["retcode"], "100-013", "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("70101 is not registered"), "{refused}");
    let _phone = center.phone("70101", "phone_answers.xml");
    let agent = center.agent(101).await;
    let status = agent.call("GET", "onlineagent/{}/agentstatus").await;
    assert_eq!(status["result"]["agentState"], 4, "signed in and idle: {status}");
}

/// What the SIP switch does not carry is refused with ccgw's "not supported on this
/// switch" retcode in an HTTP 200 envelope, the refusal naming what is missing; the agent
/// is left as it was. Without a trunk that dials, that includes call-outs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_out_on_the_sip_switch_is_refused_as_not_supported_here() {
    let Some(center) = Center::start(&[]) else { return };
    let agent = center.agent(101).await;
    let callout = agent.call_with("PUT", "voicecall/{}/callout", Some(json!({"called": "5550000"}))).await;
    assert_eq!(callout["retcode"], "990-001", "{callout}");
    let message = callout["message"].as_str().unwrap_or_default();
    assert!(message.contains("not supported on this switch") && message.contains("call-out"), "{callout}");
    let status = agent.call("GET", "onlineagent/{}/agentstatus").await;
    assert_eq!(status["result"]["agentState"], 4, "still idle: {status}");
}

/// Hold and retrieve by re-INVITE: both legs are re-invited with `a=inactive`, then
/// `a=sendrecv`, each under ccgw's own origin for that leg with a growing version (the
/// scenarios check the direction and the version of each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_and_retrieve_reinvite_both_legs() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_held.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_held.xml");
    let talking = agent.wait_for("AgentEvent_Talking").await;
    let call_id = talking["content"]["callid"].as_str().expect("the call id").to_owned();
    // DTMF needs media this switch does not have (SIP INFO is off by default), and a
    // three-party transfer a conference it cannot mix: refused, and the call goes on
    // untouched.
    let digits = agent.call("POST", "voicecall/{}/seconddial/123").await;
    assert_eq!(digits["retcode"], "990-001", "{digits}");
    assert!(digits["message"].as_str().unwrap_or_default().contains("DTMF"), "{digits}");
    let three_party = json!({"devicetype": 5, "address": "5550000", "mode": 4});
    let transfer = agent.call_with("POST", "voicecall/{}/transfer", Some(three_party)).await;
    assert_eq!(transfer["retcode"], "990-001", "{transfer}");
    assert!(transfer["message"].as_str().unwrap_or_default().contains("conference"), "{transfer}");
    // Nor can an inspector listen in: the switch mixes no audio.
    let inspector = center.agent(120).await;
    let listen = inspector.call("PUT", "qualitycontrol/{}/addsupervise/101").await;
    assert_eq!(listen["retcode"], "990-001", "{listen}");
    assert!(listen["message"].as_str().unwrap_or_default().contains("mixed"), "{listen}");
    let held = agent.call("POST", "voicecall/{}/hold").await;
    assert_eq!(held["retcode"], "0", "{held}");
    agent.wait_for("AgentEvent_Hold").await;
    let retrieved = agent.call("POST", &format!("voicecall/{{}}/gethold?callid={call_id}")).await;
    assert_eq!(retrieved["retcode"], "0", "{retrieved}");
    agent.wait_for("AgentEvent_Talking").await;
    let released = agent.call("DELETE", "voicecall/{}/release").await;
    assert_eq!(released["retcode"], "0", "{released}");
    phone.passes();
    customer.passes();
}

/// A re-INVITE from the customer (its own hold, with a new port) is carried to the phone
/// under ccgw's origin there, and the phone's answer back to the customer; then the
/// customer hangs up, which ends the phone's leg and tells the agent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_reinvite_is_carried_to_the_phone_and_its_answer_back() {
    let Some(center) = Center::start(&[]) else { return };
    let phone = center.phone("70101", "phone_answers_reinvite.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_reinvites.xml");
    agent.wait_for("AgentEvent_Talking").await;
    customer.passes();
    phone.passes();
    agent.wait_for("AgentEvent_Customer_Release").await;
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}

/// A phone that lost the call without a BYE: the keep-alive OPTIONS (every second here)
/// gets 481, so the call ends as the agent's hang-up — the customer gets BYE, the agent
/// the release events, the record its outcome — instead of lasting forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_that_forgot_the_call_ends_it_at_the_next_keepalive() {
    let Some(center) = Center::start(&[("CCGW_SIP__KEEPALIVE_SECS", "1")]) else { return };
    let phone = center.phone("70101", "phone_forgets.xml");
    let mut agent = center.agent(101).await;
    let customer = center.customer("customer_call.xml");
    agent.wait_for("AgentEvent_Talking").await;
    phone.passes();
    customer.passes();
    agent.wait_for("AgentEvent_Call_Release").await;
    let record = record_of_caller(&center.gateway, "5550100").await;
    assert_eq!(record["outcome"], "answered", "{record}");
}
