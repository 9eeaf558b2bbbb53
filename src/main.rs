//! The `factwire` binary: everything lives in `factwire-cli`.

fn main() -> std::process::ExitCode {
    factwire_cli::run()
}
