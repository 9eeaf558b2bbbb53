//! `factwire watch` through the binary: scheduled runs, `--max-runs`, Ctrl-C.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Dir, assert_error, fixture};

fn article() -> String {
    fixture("sites/demo/articles/aws-early-2026-analysis.html")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn max_runs_stops_after_that_many_runs_with_one_line_each() {
    let d = Dir::new();
    let page = article();
    let started = Instant::now();
    let out = d.ok(&[
        "watch",
        "--every",
        "1s",
        "--max-runs",
        "2",
        "--no-config-feeds",
        &page,
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("run 1") && lines[0].contains("new 1"),
        "{out}"
    );
    assert!(
        lines[1].contains("run 2") && lines[1].contains("unchanged 1"),
        "{out}"
    );
    // The second run waits for its slot.
    assert!(started.elapsed() >= Duration::from_secs(1));

    let out = d.ok(&[
        "watch",
        "--every",
        "1s",
        "--max-runs",
        "2",
        "--no-config-feeds",
        "--format",
        "json",
        &page,
    ]);
    let reports: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "{out}");
    for r in &reports {
        assert_eq!(r["unchanged"], 1, "{r}");
        assert_eq!(r["new"], 0, "{r}");
    }

    let stats = d.json(&["stats", "--format", "json"]);
    assert_eq!(stats["articles"], 1, "{stats}");
}

#[test]
fn bad_arguments_fail_before_the_first_run() {
    let d = Dir::new();
    let page = article();
    // --max-runs 1 everywhere: should validation ever let one through, the test
    // still ends.
    let watch = |extra: &[&str]| {
        let mut args = vec!["watch", "--max-runs", "1", "--no-config-feeds"];
        args.extend_from_slice(extra);
        d.run(&args)
    };
    for every in ["0s", "15", "1w"] {
        assert_error(&watch(&["--every", every, &page]), 2, "--every");
    }
    assert_error(
        &d.run(&["watch", "--max-runs", "0", "--no-config-feeds", &page]),
        2,
        "--max-runs",
    );
    assert_error(
        &watch(&["--every", "1s", "no/such/article.html"]),
        2,
        "no such file",
    );
    assert_error(&watch(&["--every", "1s"]), 2, "nothing to ingest");
    assert!(!d.data().exists(), "nothing was created");
}

/// Kills the child if the test fails before it exits.
struct Reap(Child);

impl Drop for Reap {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn sigint_between_runs_exits_zero_at_once() {
    let d = Dir::new();
    let page = article();
    let child = d
        .cmd(&["watch", "--every", "1h", "--no-config-feeds", &page])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Reap(child);
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the first run reports within a minute");
    assert!(
        first.contains("run 1") && first.contains("new 1"),
        "{first}"
    );

    let pid = child.0.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "watch did not stop within 30s of SIGINT"
        );
        thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
    // No second run: the rest of stdout is empty.
    let rest: Vec<String> = rx.iter().collect();
    assert!(rest.is_empty(), "{rest:?}");
}
