//! Interruption loses nothing (issue #11): a feed's links are durable work, SIGINT and
//! SIGTERM stop a run cleanly, a full disk is reported and resumed from.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use factwire_testkit::Route;
use serde_json::Value;

use crate::site::{Site, marker};
use crate::util::Dir;

/// Kills the child if the test fails before it exits.
pub struct Reap(pub Child);

impl Drop for Reap {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Polls `cond` every 10 ms for up to `secs` seconds.
pub fn wait_for(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// Waits for the child to exit (at most 60 s); returns its status, stdout and stderr.
fn finish(mut child: Reap) -> (ExitStatus, String, String) {
    let mut out = String::new();
    let mut err = String::new();
    child
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "no exit within 60 s: {err}");
        thread::sleep(Duration::from_millis(20));
    };
    (status, out, err)
}

fn spawn_ingest(d: &Dir, config: &std::path::Path) -> Reap {
    let child = d
        .cmd(&[
            "ingest",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Reap(child)
}

fn ingest(d: &Dir, config: &std::path::Path) -> Value {
    d.json(&[
        "ingest",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ])
}

fn stored(d: &Dir) -> u64 {
    d.json(&["stats", "--format", "json"])["articles"]
        .as_u64()
        .unwrap()
}

fn signal(child: &Reap, name: &str) {
    let pid = child.0.id().to_string();
    let sent = Command::new("kill").args([name, &pid]).status().unwrap();
    assert!(sent.success());
}

#[test]
fn a_run_killed_after_reading_its_feed_loses_nothing_though_the_feed_then_answers_304() {
    let site = Site::new(40, Duration::from_millis(100));
    let d = Dir::new();
    let config = site.config(&d, 2);
    let mut child = spawn_ingest(&d, &config);
    // The feed is read and the first article asked for: the listing is committed.
    wait_for(60, "the first article request", || {
        site.article_requests() >= 1
    });
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let before = if d.data().join("factwire.sqlite").exists() {
        stored(&d)
    } else {
        0
    };
    assert!(before < 40, "the kill came too late to test anything");

    site.server.clear_requests();
    let report = ingest(&d, &config);
    let feed = site.server.requests_to("/feed.xml");
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].status, 304, "the feed's validators were kept");
    assert_eq!(report["new"].as_u64().unwrap() + before, 40, "{report}");
    assert_eq!(stored(&d), 40);
    // And nothing is fetched twice from here on.
    site.server.clear_requests();
    let again = ingest(&d, &config);
    assert_eq!(again["new"], 0, "{again}");
    assert_eq!(site.article_requests(), 0);
    let hits = d.json(&["search", &marker(39), "--format", "json"]);
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
}

#[test]
fn a_failed_link_stays_queued_and_keeps_its_backoff_across_a_304() {
    let site = Site::new(3, Duration::ZERO);
    site.server.set_route("/a/1.html", Route::status(500));
    let d = Dir::new();
    let config = site.config(&d, 1);
    std::fs::write(
        &config,
        std::fs::read_to_string(&config).unwrap() + "retries = 0\n",
    )
    .unwrap();
    let first = ingest(&d, &config);
    assert_eq!(
        (first["new"].as_u64(), first["failed"].as_u64()),
        (Some(2), Some(1)),
        "{first}"
    );

    // The feed answers 304; the failed link is still known, and waits out its backoff
    // instead of being fetched again or forgotten.
    site.server.clear_requests();
    let second = ingest(&d, &config);
    assert_eq!(site.server.requests_to("/feed.xml")[0].status, 304);
    assert_eq!(site.server.hits("/a/1.html"), 0, "backoff respected");
    assert_eq!(second["skipped"], 1, "{second}");
    let skip = &second["skips"][0];
    assert_eq!(skip["reason"], "backoff", "{second}");
    assert!(
        skip["url"].as_str().unwrap().ends_with("/a/1.html"),
        "{second}"
    );
}

/// A run of 30 slow articles, stopped by `sig` after its second article request.
fn stopped_by(sig: &str, code: i32) {
    let site = Site::new(30, Duration::from_millis(150));
    let d = Dir::new();
    let config = site.config(&d, 1);
    let child = spawn_ingest(&d, &config);
    wait_for(60, "the second article request", || {
        site.article_requests() >= 2
    });
    signal(&child, sig);
    let (status, out, err) = finish(child);
    assert_eq!(status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !err.contains("error:"),
        "an interruption is not an error: {err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["interrupted"], true, "{report}");
    let first = report["new"].as_u64().unwrap();
    assert!(first < 30, "{report}");
    assert_eq!(stored(&d), first, "what the report counts is committed");

    // The next run (the feed answers 304) stores the rest.
    let rest = ingest(&d, &config);
    assert_eq!(rest["interrupted"], false, "{rest}");
    assert_eq!(first + rest["new"].as_u64().unwrap(), 30, "{rest}");
    assert_eq!(stored(&d), 30);
}

#[test]
fn sigterm_finishes_the_article_in_hand_commits_reports_and_exits_143() {
    stopped_by("-TERM", 143);
}

#[test]
fn sigint_finishes_the_article_in_hand_commits_reports_and_exits_130() {
    stopped_by("-INT", 130);
}

#[test]
fn ctrl_c_during_a_watch_run_reports_it_interrupted_and_exits_130() {
    let site = Site::new(30, Duration::from_millis(150));
    let d = Dir::new();
    let config = site.config(&d, 1);
    let child = d
        .cmd(&[
            "watch",
            "--every",
            "1h",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let child = Reap(child);
    wait_for(60, "the second article request", || {
        site.article_requests() >= 2
    });
    signal(&child, "-INT");
    let (status, out, err) = finish(child);
    assert_eq!(status.code(), Some(130), "stderr: {err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one run, one report line: {out}");
    let report: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(report["interrupted"], true, "{report}");
    let first = report["new"].as_u64().unwrap();
    assert_eq!(stored(&d), first);
    let rest = ingest(&d, &config);
    assert_eq!(first + rest["new"].as_u64().unwrap(), 30, "{rest}");
}

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped; `None` (with
/// a notice) where mounting is impossible, unless `FACTWIRE_REQUIRE_EXTERNAL=1`.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(SmallDisk { dir });
        }
        assert!(
            std::env::var("FACTWIRE_REQUIRE_EXTERNAL").as_deref() != Ok("1"),
            "cannot mount a tmpfs (needs root) and FACTWIRE_REQUIRE_EXTERNAL=1"
        );
        eprintln!("notice: skipping the full-disk test: cannot mount a tmpfs (needs root)");
        None
    }

    fn grow(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_is_named_the_report_still_printed_and_the_next_run_resumes() {
    let Some(disk) = SmallDisk::mount("1m") else {
        return;
    };
    // Pages of about 40 KB of text each: the store outgrows 1 MiB in a few dozen.
    let n = 80;
    let site = Site::new(n, Duration::ZERO);
    for i in 0..n {
        let page = crate::site::page(i);
        let padding: String = (0..12).map(|k| crate::site::page(i * 100 + k)).collect();
        site.server.set_route(
            &format!("/a/{i}.html"),
            Route::ok(
                "text/html; charset=utf-8",
                page.replace("</article>", &format!("{padding}</article>")),
            ),
        );
    }
    let d = Dir::new();
    let config = site.config(&d, 4);
    let data = disk.dir.path().join("data");
    let factwire = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_factwire"))
            .arg("--data-dir")
            .arg(&data)
            .arg("--config")
            .arg(&config)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let run = |_: &Dir| factwire(&["ingest", "--format", "json"]);
    let out = run(&d);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one error line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains("no space left on device"), "{stderr}");
    assert!(
        lines[0].contains(&data.display().to_string()),
        "the path is named: {stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the report is printed ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let first = report["new"].as_u64().unwrap();
    assert!(first < n as u64, "{report}");

    // With room again, the next run (the feed answers 304) stores every article.
    disk.grow("256m");
    let out = run(&d);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = factwire(&["stats", "--format", "json"]);
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["articles"], n as u64, "{stats}");
    assert_eq!(stats["indexed"], n as u64, "{stats}");
}
