//! Bad usage and bad input: one `error:` line, exit 2; never a panic.

use crate::util::{Dir, assert_error, fixture};

#[test]
fn missing_file() {
    let d = Dir::new();
    let out = d.run(&["extract", "no/such/file.html"]);
    assert_error(&out, 2, "no/such/file.html");
}

#[test]
fn unknown_format() {
    let d = Dir::new();
    let out = d.run(&["stats", "--format", "yaml"]);
    assert_error(&out, 2, "yaml");
}

#[test]
fn unknown_command_and_flag() {
    let d = Dir::new();
    assert_error(&d.run(&["frobnicate"]), 2, "frobnicate");
    assert_error(&d.run(&["search", "x", "--bogus"]), 2, "--bogus");
}

#[test]
fn malformed_feed() {
    for name in [
        "malformed_unclosed.xml",
        "malformed_garbage.xml",
        "billion_laughs.xml",
    ] {
        let d = Dir::new();
        let feed = fixture(&format!("feeds/{name}"));
        assert!(feed.is_file(), "fixture missing: {}", feed.display());
        let out = d.run(&["ingest", "--feed", feed.to_str().unwrap(), "-q"]);
        assert_error(&out, 2, name);
    }
}

#[test]
fn missing_feed_path() {
    let d = Dir::new();
    let out = d.run(&["ingest", "--feed", "fixtures/feeds/nope.xml"]);
    assert_error(&out, 2, "nope.xml");
}

#[test]
fn config_with_a_typo_names_file_and_key() {
    let d = Dir::new();
    let cfg = d.path().join("bad.toml");
    std::fs::write(&cfg, "[fetch]\nconcurency = 3\n").unwrap();
    let out = d.run(&["--config", cfg.to_str().unwrap(), "extract", "--text", "-"]);
    assert_error(&out, 2, "bad.toml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("concurency"));
}

#[test]
fn read_commands_without_a_store() {
    let d = Dir::new();
    assert_error(&d.run(&["search", "aws"]), 2, "no factwire store");
    assert_error(&d.run(&["facts"]), 2, "no factwire store");
    assert_error(&d.run(&["stats"]), 2, "no factwire store");
}

#[test]
fn bad_dates_and_kinds() {
    let d = Dir::new();
    assert_error(
        &d.run(&["search", "aws", "--since", "last tuesday"]),
        2,
        "--since",
    );
    assert_error(&d.run(&["facts", "--kind", "moneys"]), 2, "moneys");
}

#[test]
fn nothing_to_ingest() {
    let d = Dir::new();
    assert_error(&d.run(&["ingest"]), 2, "nothing to ingest");
}

#[test]
fn unsupported_scheme() {
    let d = Dir::new();
    assert_error(&d.run(&["ingest", "ftp://example.com/a"]), 2, "ftp");
}

#[test]
fn help_states_the_exit_statuses_the_readme_gives() {
    let d = Dir::new();
    let help = d.ok(&["--help"]);
    assert!(help.contains("cloud-industry news"), "{help}");
    let readme = std::fs::read_to_string(crate::util::root().join("README.md")).unwrap();
    for (code, words) in [
        ("0", "success"),
        ("1", "the work failed"),
        ("2", "bad usage or bad input"),
    ] {
        assert!(
            help.contains(&format!("{code} {words}")),
            "--help lacks {code} {words}"
        );
        assert!(
            readme.contains(&format!("**{code}** {words}")),
            "README lacks {code} {words}"
        );
    }
}
