//! A temp data dir per test and a runner for the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (where `fixtures/` and `config/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// A test's own working directory with a data dir inside.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("empty.toml"), "# no feeds\n").unwrap();
        Dir { tmp }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    /// `factwire --data-dir <tmp>/data ARGS`, run from the repository root so the
    /// demo config's relative paths resolve. Unless ARGS name a config, an empty one is
    /// used, so the real default (`config/factwire.toml`, with public feeds) is never
    /// read: no test touches the internet.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_factwire"));
        c.current_dir(root())
            .env_remove("FACTWIRE_CONFIG")
            .env_remove("FACTWIRE_DATA_DIR")
            .arg("--data-dir")
            .arg(self.data());
        if !args.contains(&"--config") {
            c.arg("--config").arg(self.tmp.path().join("empty.toml"));
        }
        c.args(args).stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "factwire {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and parses stdout as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let s = self.ok(args);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
    }
}

/// Asserts the contract's failure shape: this exit status, exactly one stderr line,
/// starting `error:`, containing `needle`; no panic text.
pub fn assert_error(out: &Output, code: i32, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "want one error line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(needle), "want {needle:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
