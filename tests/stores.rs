//! Stores that are read-only, old or damaged, through the binary: read commands on a
//! read-only mount and as a user who may not write, the run lock guarding the index,
//! index generations, corrupt index and SQLite files, `check [--repair]` and `backup`.
//!
//! The read-only cases need root (a bind mount remounted read-only; `setpriv` to run
//! as `nobody`). Without it they print a notice and pass, unless
//! `FACTWIRE_REQUIRE_EXTERNAL=1` asks for them.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use factwire_testkit::{Route, TestServer};
use serde_json::Value;

use crate::ingest::ingest_demo;
use crate::util::{Dir, assert_error, fixture, root};

/// The read commands, each with arguments that find something in the demo corpus.
const READS: &[&[&str]] = &[
    &["search", "AWS", "--format", "json"],
    &["facts", "--format", "json"],
    &["show", "1", "--format", "json"],
    &["stats", "--format", "json"],
    &["digest", "--since", "2000-01-01", "--format", "json"],
    &["check", "--format", "json"],
];

/// `factwire --data-dir DATA --config <d>/empty.toml ARGS`, like [`Dir::cmd`] but for
/// another data dir (a read-only view of the test's), optionally as another user.
fn cmd_at(d: &Dir, data: &Path, prefix: &[&str], args: &[&str]) -> Command {
    let bin = env!("CARGO_BIN_EXE_factwire");
    let mut c = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    c.current_dir(root())
        .env_remove("FACTWIRE_CONFIG")
        .env_remove("FACTWIRE_DATA_DIR")
        .env_remove("RUST_BACKTRACE")
        .arg("--data-dir")
        .arg(data)
        .arg("--config")
        .arg(d.path().join("empty.toml"))
        .args(args)
        .stdin(Stdio::null());
    c
}

fn run_at(d: &Dir, data: &Path, prefix: &[&str], args: &[&str]) -> Output {
    cmd_at(d, data, prefix, args).output().unwrap()
}

fn json_at(d: &Dir, data: &Path, prefix: &[&str], args: &[&str]) -> Value {
    let out = run_at(d, data, prefix, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "factwire {args:?}: {stderr}");
    assert!(
        stderr.trim().is_empty(),
        "factwire {args:?} wrote to stderr: {stderr}"
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Each read command works on `data` and finds the demo corpus there.
fn every_read_works(d: &Dir, data: &Path, prefix: &[&str]) {
    for args in READS {
        let v = json_at(d, data, prefix, args);
        match args[0] {
            "search" => assert!(!v.as_array().unwrap().is_empty(), "{v}"),
            "facts" => assert!(v.as_array().unwrap().len() > 100, "{args:?}"),
            "show" => assert_eq!(v["id"], 1, "{v}"),
            "stats" => {
                assert_eq!(v["indexed"], v["articles"], "{v}");
                assert!(v["index_error"].is_null(), "{v}");
            }
            "check" => assert_eq!(v["healthy"], true, "{v}"),
            _ => assert!(v.is_object() || v.is_array(), "{v}"),
        }
    }
}

/// Whether a case that needs root may be skipped here.
fn skip(why: &str) -> bool {
    if std::env::var("FACTWIRE_REQUIRE_EXTERNAL").as_deref() == Ok("1") {
        panic!("FACTWIRE_REQUIRE_EXTERNAL=1 but {why}");
    }
    eprintln!("notice: skipped, {why}");
    true
}

/// A read-only bind mount of a directory, unmounted when dropped.
struct ReadOnlyMount {
    at: PathBuf,
}

impl ReadOnlyMount {
    fn new(src: &Path, at: &Path) -> Option<ReadOnlyMount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = |args: &[&str]| {
            Command::new("mount")
                .args(args)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let (src_s, at_s) = (src.to_str().unwrap(), at.to_str().unwrap());
        if !ok(&["--bind", src_s, at_s]) {
            return None;
        }
        let mount = ReadOnlyMount {
            at: at.to_path_buf(),
        };
        ok(&["-o", "remount,ro,bind", at_s]).then_some(mount)
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
    }
}

#[test]
fn every_read_command_works_on_a_read_only_mount() {
    let d = Dir::new();
    ingest_demo(&d);
    let Some(mount) = ReadOnlyMount::new(&d.data(), &d.path().join("ro")) else {
        skip("a read-only bind mount needs root (CAP_SYS_ADMIN)");
        return;
    };
    // Really read-only: nothing can be created there.
    assert!(std::fs::write(mount.at.join("probe"), "x").is_err());
    every_read_works(&d, &mount.at, &[]);
    // A backup of a read-only store goes elsewhere.
    let dest = d.path().join("ro-copy.sqlite");
    let out = run_at(&d, &mount.at, &[], &["backup", dest.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A writer is refused with the cause, not a panic.
    let out = run_at(&d, &mount.at, &[], &["reindex"]);
    assert_error(&out, 1, "ead-only");
}

/// `setpriv` arguments running the binary as `nobody`, if possible here.
fn as_nobody(d: &Dir) -> Option<[&'static str; 4]> {
    let prefix = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    let works = Command::new(prefix[0])
        .args(&prefix[1..])
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    // The temp dir is private to its owner; `nobody` must be able to look inside.
    let opened = chmod(d.path(), 0o755);
    (works && opened).then_some(prefix)
}

fn chmod(path: &Path, mode: u32) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).is_ok()
}

#[test]
fn a_user_who_may_read_but_not_write_can_read_and_is_told_what_is_denied() {
    let d = Dir::new();
    ingest_demo(&d);
    let Some(nobody) = as_nobody(&d) else {
        skip("running as another user needs root and setpriv");
        return;
    };
    // The data dir and its files are root's, readable by all, writable by root only.
    every_read_works(&d, &d.data(), &nobody);
    // The store unreadable: "permission denied", never "no factwire store here".
    let store = d.data().join("factwire.sqlite");
    assert!(chmod(&store, 0o600));
    let out = run_at(&d, &d.data(), &nobody, &["facts", "--format", "json"]);
    assert_error(&out, 1, "ermission denied");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no factwire store"));
    assert!(chmod(&store, 0o644));
    // The data dir closed: the same.
    assert!(chmod(&d.data(), 0o700));
    for args in [&["stats"][..], &["search", "AWS"][..]] {
        let out = run_at(&d, &d.data(), &nobody, args);
        assert_error(&out, 1, "ermission denied");
    }
    assert!(chmod(&d.data(), 0o755));
    // The index unreadable: search says so, too.
    assert!(chmod(&d.data().join("index"), 0o700));
    let out = run_at(&d, &d.data(), &nobody, &["search", "AWS"]);
    assert_error(&out, 1, "ermission denied");
    assert!(chmod(&d.data().join("index"), 0o755));
}

/// Holds the run lock as an ingest would, until dropped.
fn hold_run_lock(d: &Dir) -> std::fs::File {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.data().join("ingest.lock"))
        .unwrap();
    lock.lock().unwrap();
    lock
}

fn stats(d: &Dir) -> Value {
    d.json(&["stats", "--format", "json"])
}

#[test]
fn a_reader_never_rebuilds_a_stale_index_and_the_next_ingest_does() {
    let d = Dir::new();
    let articles = ingest_demo(&d)["new"].as_u64().unwrap();
    let index = d.data().join("index");
    std::fs::write(index.join("factwire-schema-version"), "1\n").unwrap();
    let files_before = std::fs::read_dir(&index).unwrap().count();
    let lock = hold_run_lock(&d);
    let out = d.run(&["search", "AWS"]);
    assert_error(&out, 1, "run `factwire reindex`");
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema version 1"));
    // Untouched: the ingest holding the lock still owns it.
    assert_eq!(std::fs::read_dir(&index).unwrap().count(), files_before);
    assert!(index.join("meta.json").is_file());
    let st = stats(&d);
    assert!(st["indexed"].is_null(), "{st}");
    assert!(
        st["index_error"]
            .as_str()
            .unwrap()
            .contains("factwire reindex"),
        "{st}"
    );
    // Only the lock holder may rebuild: reindex waits its turn.
    assert_error(&d.run(&["reindex"]), 1, "another ingest is running");
    drop(lock);
    // The next ingest (here with nothing to fetch) rebuilds the index from the store.
    ingest_demo(&d);
    let st = stats(&d);
    assert_eq!(st["indexed"].as_u64(), Some(articles), "{st}");
    assert!(
        !d.json(&["search", "AWS", "--format", "json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_lost_or_replaced_index_is_fully_rebuilt_by_the_next_ingest() {
    let d = Dir::new();
    let articles = ingest_demo(&d)["new"].as_u64().unwrap();
    let index = d.data().join("index");

    // Lost: readers say what rebuilds it; the next ingest does.
    std::fs::remove_dir_all(&index).unwrap();
    assert_error(&d.run(&["search", "AWS"]), 1, "no search index");
    ingest_demo(&d);
    assert_eq!(stats(&d)["indexed"].as_u64(), Some(articles));

    // Replaced by another data dir's index (of the same schema, one article): the
    // store's "indexed" marks do not describe it, and the generation shows it.
    let other = Dir::new();
    let page = fixture("sites/syndication/kestrel-job-cuts.html");
    other.ok(&["ingest", page.to_str().unwrap()]);
    std::fs::remove_dir_all(&index).unwrap();
    copy_dir(&other.data().join("index"), &index);
    let st = stats(&d);
    assert!(
        st["index_error"]
            .as_str()
            .unwrap()
            .contains("not the index the store"),
        "{st}"
    );
    let out = d.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not the one the store indexed into"));
    ingest_demo(&d);
    let st = stats(&d);
    assert_eq!(st["indexed"].as_u64(), Some(articles), "{st}");
    assert!(st["index_error"].is_null(), "{st}");
    d.ok(&["check"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The index's largest file (a segment's postings or store).
fn largest_index_file(d: &Dir) -> PathBuf {
    std::fs::read_dir(d.data().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().unwrap().len())
        .unwrap()
}

/// Overwrites `len` bytes in the middle of `path` with a pattern.
fn scribble(path: &Path, len: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let mid = bytes.len() / 2;
    let end = (mid + len).min(bytes.len());
    for (i, b) in bytes[mid..end].iter_mut().enumerate() {
        *b = 0xA5 ^ (i as u8);
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_corrupt_index_file_is_an_error_naming_it_and_check_repair_mends_it() {
    let d = Dir::new();
    let articles = ingest_demo(&d)["new"].as_u64().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(d.data().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            p.is_file()
                && !name.ends_with(".json")
                && !name.starts_with('.')
                && !name.starts_with("factwire-")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let saved = std::fs::read(file).unwrap();
        scribble(file, 4096);
        for args in [
            &["search", "AWS growth"][..],
            &["search", "revenue", "--sort", "newest"][..],
        ] {
            let out = d.run(args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            assert_ne!(out.status.code(), Some(101), "{name}: {stderr}");
        }
        // stats never calls it healthy, and names the file.
        let st = stats(&d);
        let err = st["index_error"].as_str().unwrap_or_default();
        assert!(
            err.contains(&name) && err.contains("factwire reindex"),
            "{name}: {st}"
        );
        let out = d.run(&["check", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["problems"].to_string().contains(&name), "{report}");
        std::fs::write(file, saved).unwrap();
    }
    // Damage that search meets: one error line naming the file and the fix.
    let file = largest_index_file(&d);
    std::fs::write(&file, b"not a segment").unwrap();
    let out = d.run(&["search", "AWS"]);
    assert_error(&out, 1, "factwire reindex");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&*file.file_name().unwrap().to_string_lossy()),
        "{stderr}"
    );
    // check --repair rebuilds it, and says it is healthy after.
    let out = d.run(&["check", "--repair", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["before"]["healthy"], false, "{report}");
    assert_eq!(report["after"]["healthy"], true, "{report}");
    assert_eq!(stats(&d)["indexed"].as_u64(), Some(articles));
    assert!(
        !d.json(&["search", "AWS", "--format", "json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn check_finds_where_store_and_index_disagree_and_repair_realigns_them() {
    let d = Dir::new();
    let articles = ingest_demo(&d)["new"].as_u64().unwrap();
    let out = d.ok(&["check"]);
    assert!(out.contains("healthy"), "{out}");
    // Behind factwire's back: article 3 vanishes from the index (still marked
    // indexed: the "marked indexed but missing"), a stray document appears.
    {
        let (index, _) = factwire_index::Index::open(&d.data().join("index")).unwrap();
        let mut w = index.writer().unwrap();
        w.delete(3).unwrap();
        w.upsert(&factwire_index::IndexDoc {
            id: 9999,
            version: 1,
            url: "https://stray.example/".into(),
            text: "stray".into(),
            ..Default::default()
        })
        .unwrap();
        w.commit().unwrap();
    }
    let out = d.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("missing from the index: #3"), "{table}");
    assert!(table.contains("not in the store: #9999"), "{table}");
    assert!(table.contains("fix: factwire check --repair"), "{table}");
    let out = d.ok(&["check", "--repair"]);
    assert!(
        out.contains("re-indexed 1 articles") && out.contains("healthy"),
        "{out}"
    );
    assert_eq!(stats(&d)["indexed"].as_u64(), Some(articles));
    let hits = d.json(&["search", "stray", "--format", "json"]);
    assert!(
        hits.as_array().unwrap().iter().all(|h| h["id"] != 9999),
        "{hits}"
    );
    // Repair needs the run lock.
    let lock = hold_run_lock(&d);
    assert_error(
        &d.run(&["check", "--repair"]),
        1,
        "another ingest is running",
    );
    drop(lock);
}

#[test]
fn a_corrupt_store_says_how_to_recover() {
    let d = Dir::new();
    ingest_demo(&d);
    let store = d.data().join("factwire.sqlite");
    // Pages inside the file overwritten: quick_check finds it, check names the way back.
    scribble(&store, 16 * 1024);
    let out = d.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains(".recover") && table.contains("backup"),
        "{table}"
    );
    // The header gone: not a database at all; every command says how to recover.
    std::fs::write(&store, vec![0x5Au8; 8192]).unwrap();
    for args in [&["facts"][..], &["stats"][..], &["show", "1"][..]] {
        let out = d.run(args);
        assert_error(&out, 1, ".recover");
        assert!(String::from_utf8_lossy(&out.stderr).contains("backup"));
    }
    let out = d.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["problems"][0]["area"], "store", "{report}");
    assert_eq!(report["problems"][0]["repairable"], false, "{report}");
}

/// A feed of the demo articles over HTTP, each answer delayed, so an ingest of it
/// takes seconds.
fn slow_demo_feed(server: &TestServer, delay: Duration) -> String {
    let mut items = String::new();
    for entry in std::fs::read_dir(fixture("sites/demo/articles")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let path = format!("/slow/{name}");
        let body = std::fs::read(fixture("sites/demo/articles").join(&name)).unwrap();
        server.set_route(
            &path,
            Route::ok("text/html; charset=utf-8", body).with_delay(delay),
        );
        items.push_str(&format!(
            "<item><title>{name}</title><link>{}</link></item>",
            server.url(&path)
        ));
    }
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow</title>\
         <link>http://x/</link><description>d</description>{items}</channel></rss>"
    );
    server.set_route("/slow.xml", Route::ok("application/rss+xml", rss));
    server.url("/slow.xml")
}

#[test]
fn a_backup_taken_during_an_ingest_restores_into_a_working_data_dir() {
    let d = Dir::new();
    let first = ingest_demo(&d)["new"].as_u64().unwrap();
    let server = TestServer::new();
    let feed = slow_demo_feed(&server, Duration::from_millis(150));
    let mut ingest = d.cmd(&["ingest", "--feed", &feed, "-q"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.requests().len() < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let dest = d.path().join("backup.sqlite");
    let backup = d.json(&["backup", dest.to_str().unwrap(), "--format", "json"]);
    let during = ingest.try_wait().unwrap().is_none();
    assert!(ingest.wait().unwrap().success());
    let copied = backup["articles"].as_u64().unwrap();
    assert!(copied >= first, "{backup}");
    assert!(
        backup["restore"].as_str().unwrap().contains("reindex"),
        "{backup}"
    );
    eprintln!("backup taken while the ingest ran: {during}");
    // Never overwritten.
    assert_error(
        &d.run(&["backup", dest.to_str().unwrap()]),
        2,
        "exists already",
    );
    // Restore as documented: a new data dir holding the copy, then reindex.
    let restored = Dir::new();
    std::fs::create_dir_all(restored.data()).unwrap();
    std::fs::copy(&dest, restored.data().join("factwire.sqlite")).unwrap();
    restored.ok(&["reindex"]);
    let st = restored.json(&["stats", "--format", "json"]);
    assert_eq!(st["articles"].as_u64(), Some(copied), "{st}");
    assert_eq!(st["indexed"].as_u64(), Some(copied), "{st}");
    let hits = restored.json(&["search", "AWS", "--format", "json"]);
    assert!(!hits.as_array().unwrap().is_empty());
    restored.ok(&["check"]);
}
