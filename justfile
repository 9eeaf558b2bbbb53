# factwire developer recipes. `just --list` shows them.

# Everything CI runs, in CI's order.
ci: fmt-check lint test doc deps

# Check formatting.
fmt-check:
    cargo fmt --all --check

# Clippy on every target, warnings are errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# The test suite (the README's test command).
test:
    cargo test --workspace

# The test suite plus slow ignored tests.
test-all:
    cargo test --workspace -- --include-ignored

# API docs, warnings are errors.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# No async runtime or HTTP client outside fetcher, pipeline and cli.
deps:
    #!/usr/bin/env bash
    set -euo pipefail
    for c in core reader extractor summarizer store index; do
      if cargo tree -p factwire-$c -e normal --prefix none | grep -E '^(tokio|hyper|reqwest) '; then
        echo "factwire-$c pulls in an async stack"; exit 1
      fi
    done

# Format and apply clippy's fixes.
fix:
    cargo fmt --all
    cargo clippy --workspace --all-targets --fix --allow-dirty -- -D warnings

# Ingest the bundled demo fixtures into target/demo (offline).
demo:
    cargo run --release -- --data-dir target/demo ingest --config config/demo.toml

# Benchmarks (figures are ratios against a baseline measured in the same run).
bench:
    cargo bench --workspace
