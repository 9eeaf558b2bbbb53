//! Stop requests: SIGINT (Ctrl-C) and SIGTERM during `ingest` and `watch`.
//!
//! The first signal sets the pipeline's stop flag: the run finishes (or abandons) the
//! article in hand, commits what it stored, and the command prints the run report
//! marked `interrupted` and exits with the shell's status for that signal, 130 for
//! SIGINT and 143 for SIGTERM (128 + the signal number). The links the run did not
//! reach stay queued in the store for the next run. A second signal quits at once
//! with the same status; the store's transactions and the run lock (an OS file lock)
//! make that safe too.
//!
//! Signals are taken by `signal-hook`'s iterator on a thread of its own, so the work
//! done on a signal (setting flags, a note on stderr, waking `watch`) runs as ordinary
//! code, not inside a signal handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The installed handlers and what they received.
pub(crate) struct StopSignals {
    /// The stop flag handed to the pipeline.
    pub(crate) flag: Arc<AtomicBool>,
    /// The first signal received, 0 for none.
    received: Arc<AtomicI32>,
}

impl StopSignals {
    /// Starts listening for SIGINT and SIGTERM; `on_stop` runs once, on the first.
    pub(crate) fn install(
        quiet: bool,
        on_stop: impl Fn() + Send + 'static,
    ) -> std::io::Result<StopSignals> {
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        let flag = Arc::new(AtomicBool::new(false));
        let received = Arc::new(AtomicI32::new(0));
        let (f, r) = (Arc::clone(&flag), Arc::clone(&received));
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if f.swap(true, Ordering::SeqCst) {
                        #[expect(
                            clippy::disallowed_methods,
                            reason = "a second signal asks to quit now; this thread cannot unwind main"
                        )]
                        std::process::exit(exit_status(sig));
                    }
                    r.store(sig, Ordering::SeqCst);
                    if !quiet {
                        eprintln!(
                            "{}: stopping after the current article (again to quit now)",
                            name(sig)
                        );
                    }
                    on_stop();
                }
            })?;
        Ok(StopSignals { flag, received })
    }

    /// The exit status for the signal that stopped the run (130 or 143), if any.
    pub(crate) fn exit_status(&self) -> Option<u8> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            sig => u8::try_from(exit_status(sig)).ok(),
        }
    }
}

/// 128 + the signal number, as shells report a process a signal ended.
fn exit_status(sig: i32) -> i32 {
    128 + sig
}

fn name(sig: i32) -> &'static str {
    match sig {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_shells() {
        assert_eq!(exit_status(SIGINT), 130);
        assert_eq!(exit_status(SIGTERM), 143);
    }
}
