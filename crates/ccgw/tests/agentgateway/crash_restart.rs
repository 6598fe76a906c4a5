//! A crash and a restart within the same second. The crash is the first gateway's
//! runtime dropped at once: every task gone mid-flight, no shutdown, nothing flushed
//! after it, as after `kill -9`. The second gateway starts on the same data dir with the
//! clock still in the same second.

use ccgw_core::Timestamp;
use serde_json::json;

use crate::helpers::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
}

/// `<unix seconds>-<number>` split in two.
fn parts(call_id: &str) -> (u64, u64) {
    let (seconds, number) = call_id.split_once('-').expect("<seconds>-<number>");
    (seconds.parse().unwrap(), number.parse().unwrap())
}

#[test]
fn a_restart_after_a_crash_in_the_same_second_repeats_no_call_id_and_records_every_call_the_crash_cut_off() {
    let data_dir = tempfile::tempdir().unwrap();
    let second = Timestamp::from_millis(1_767_225_600_000);
    let opts =
        || TestOpts { data_dir: Some(data_dir.path().to_path_buf()), clock_at: Some(second), ..TestOpts::default() };

    let first = runtime();
    let (app, talking, queued) = first.block_on(async {
        let app = spawn_app(opts()).await;
        let (_guid, talking) = customer_with_101(&app).await;
        // 101 is busy and nobody else is signed in: this one waits in the queue.
        let queued = app.place_call(1).await;
        // Both calls are journalled (written, as the writer does within 50 ms).
        app.flush_records().await;
        (app, talking, queued)
    });
    first.shutdown_background();
    // Dropped only now that nothing of the first gateway runs: no graceful stop happens.
    drop(app);

    let restarted = runtime();
    restarted.block_on(async {
        let mut app = spawn_app(opts()).await;
        let next = app.place_call(1).await;
        let (seconds, number) = parts(&next);
        for earlier in [&talking, &queued] {
            assert_eq!(parts(earlier).0, seconds, "the restart is within the same second");
            assert!(parts(earlier).1 < number, "{next} comes after {earlier}");
        }

        for cut_off in [&talking, &queued] {
            let record = record_of(&app, cut_off).await;
            assert_eq!(record["outcome"], json!("lost-at-restart"), "{record}");
            assert_eq!(record["arrivedAt"], json!(second.as_millis()));
            assert_eq!(record["endedAt"], json!(second.as_millis()), "ended when the gateway came back");
            assert_eq!(record["caller"], json!("13800000000"));
            assert_eq!(record["route"], json!([1]));
        }
        let lost = app.records("?outcome=lost-at-restart").await;
        assert_eq!(lost["total"], json!(2), "{lost}");

        // The new call ends normally and gets its own record beside them.
        assert_eq!(app.hang_up(&next).await, 200);
        assert_eq!(record_of(&app, &next).await["outcome"], json!("abandoned-in-queue"));
        app.shut_down().await;
    });
}

#[tokio::test]
async fn a_graceful_stop_leaves_nothing_open_for_the_next_start() {
    let data_dir = tempfile::tempdir().unwrap();
    let opts = || TestOpts { data_dir: Some(data_dir.path().to_path_buf()), ..TestOpts::default() };
    let mut app = spawn_app(opts()).await;
    let queued = app.place_call(1).await;
    app.shut_down().await;

    let mut app = spawn_app(opts()).await;
    assert_eq!(record_of(&app, &queued).await["outcome"], json!("shutdown"));
    let lost = app.records("?outcome=lost-at-restart").await;
    assert_eq!(lost["total"], json!(0), "{lost}");
    app.shut_down().await;
}
