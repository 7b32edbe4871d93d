//! Load generator for the receipt service benchmark (bench/receipts/run.sh):
//! sends valid, distinct receipts over keep-alive connections from a fixed
//! number of concurrent clients for a fixed time, then checks through the
//! export API that every receipt answered 201 is stored.
//!
//! `cargo run --profile service -p kloudconsent-receipts --example load -- \
//!    URL SECONDS CONCURRENCY ORIGIN` with the lookup token in
//! KLOUDCONSENT_RECEIPTS_TOKEN. Prints one JSON line of results.

use kloudconsent_receipts::time::iso8601;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A distinct valid consent id for (run, client, n).
fn consent_id(run: u64, client: u64, n: u64) -> String {
    let char_of = |v: u64| BASE64URL[(v & 63) as usize] as char;
    let mut id: String = (0..8).map(|i| char_of(run >> (6 * i))).collect();
    id.extend((0..3).map(|i| char_of(client >> (6 * i))));
    id.extend((0..10).map(|i| char_of(n >> (6 * i))));
    id.push('A');
    id
}

fn body(id: &str, now: i64) -> String {
    format!(
        r#"{{"id":"{id}","decidedAt":"{}","expiresAt":"{}","categories":{{"necessary":true,"analytics":true,"functionality":false,"security":true,"marketing":false}},"revision":1,"method":"custom","url":"https://kloudstack.com.au","language":"en-AU"}}"#,
        iso8601(now),
        iso8601(now + 182 * 86_400_000)
    )
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

struct ClientResult {
    stored: Vec<String>,
    latencies_us: Vec<u32>,
    failed: u64,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, seconds, concurrency, origin] = &args[..] else {
        eprintln!(
            "usage: load URL SECONDS CONCURRENCY ORIGIN (token in KLOUDCONSENT_RECEIPTS_TOKEN)"
        );
        std::process::exit(2);
    };
    let token = std::env::var("KLOUDCONSENT_RECEIPTS_TOKEN").expect("KLOUDCONSENT_RECEIPTS_TOKEN");
    let duration = Duration::from_secs(seconds.parse().expect("seconds"));
    let concurrency: u64 = concurrency.parse().expect("concurrency");
    let run = now_ms() as u64;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency as usize)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let endpoint = Arc::new(format!("{url}/receipts"));
    let origin = Arc::new(origin.clone());
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|c| {
            let (client, endpoint, origin) = (client.clone(), endpoint.clone(), origin.clone());
            tokio::spawn(async move {
                let mut result = ClientResult {
                    stored: Vec::new(),
                    latencies_us: Vec::new(),
                    failed: 0,
                };
                let mut n = 0;
                while Instant::now() < deadline {
                    let id = consent_id(run, c, n);
                    n += 1;
                    let sent = Instant::now();
                    let answer = client
                        .post(endpoint.as_str())
                        .header("content-type", "text/plain;charset=UTF-8")
                        .header("origin", origin.as_str())
                        .body(body(&id, now_ms()))
                        .send()
                        .await;
                    let ok = matches!(&answer, Ok(r) if r.status() == 201);
                    if let Ok(r) = answer {
                        let _ = r.bytes().await;
                    }
                    result
                        .latencies_us
                        .push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if ok {
                        result.stored.push(id);
                    } else {
                        result.failed += 1;
                    }
                }
                result
            })
        })
        .collect();
    let mut stored = Vec::new();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for task in tasks {
        let r = task.await.unwrap();
        stored.extend(r.stored);
        latencies.extend(r.latencies_us);
        failed += r.failed;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)] as f64 / 1000.0
    };

    // Zero lost: every 201 has its row (read back through the export).
    let export = client
        .get(format!("{url}/export"))
        .bearer_auth(&token)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = &consent_id(run, 0, 0)[..8];
    let rows: HashSet<&str> = export
        .lines()
        .filter_map(|l| l.strip_prefix("{\"id\":\"")?.get(..22))
        .filter(|id| id.starts_with(prefix))
        .collect();
    let lost = stored
        .iter()
        .filter(|id| !rows.contains(id.as_str()))
        .count();
    println!(
        r#"{{"seconds":{elapsed:.1},"concurrency":{concurrency},"stored":{},"failed":{failed},"receipts_per_second":{:.0},"p50_ms":{:.2},"p99_ms":{:.2},"max_ms":{:.2},"rows_of_this_run":{},"lost":{lost}}}"#,
        stored.len(),
        stored.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        rows.len(),
    );
    if lost > 0 || failed > 0 {
        std::process::exit(1);
    }
}
