//! Micro-benchmarks of the Huawei poll answer: the JSON body of `GET agentevent/{id}`
//! carrying one event, for the richest common event (`AgentEvent_Ringing`) and for an
//! event without content (`"content":null`).
//!
//! Run with `cargo bench -p ccgw-api --bench event_render` (add
//! `-- --warm-up-time 1 --measurement-time 3` for a quick pass; results in BENCHMARKS.md).

use std::hint::black_box;

use ccgw_api::bench_support::render_poll;
use ccgw_core::{AgentEvent, CallFeature, CallId, CallInfo, Seq, Timestamp, WorkNo};
use ccgw_engine::Delivered;
use criterion::{Criterion, criterion_group, criterion_main};

fn delivered(event: AgentEvent) -> Delivered {
    Delivered {
        seq: Seq(42),
        work_no: WorkNo::new(10_291).expect("valid work number"),
        at: Timestamp::from_millis(1_700_000_000_123),
        event,
    }
}

fn ringing() -> AgentEvent {
    AgentEvent::Ringing(CallInfo {
        call: CallId::compose(1_700_000_000, 37),
        caller: "13800000000".into(),
        called: "4000".into(),
        feature: CallFeature::Inbound,
        media_type: 5,
        transferred_from: None,
    })
}

fn poll_answer(c: &mut Criterion) {
    let mut group = c.benchmark_group("poll_answer");
    for (name, event) in [("ringing", ringing()), ("null_content", AgentEvent::InService)] {
        let delivered = delivered(event);
        group.bench_function(name, |b| b.iter(|| render_poll(black_box(&delivered))));
    }
    group.finish();
}

criterion_group!(benches, poll_answer);
criterion_main!(benches);
