#!/usr/bin/env bash
# The full crash-test harness: SIGKILLs `factwire ingest` of 2,000 articles from a local
# server at 24 random moments (and `factwire reindex` at 4), then runs to completion and
# checks every article is stored exactly once, indexed and findable by search, and that
# SQLite's integrity check is clean. See tests/crash.rs.
#
#   scripts/crash-harness.sh                         # 2,000 articles, 24 kills
#   FACTWIRE_CRASH_ARTICLES=5000 FACTWIRE_CRASH_KILLS=50 scripts/crash-harness.sh
#   FACTWIRE_CRASH_SEED=12345 scripts/crash-harness.sh   # replay a printed seed
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --release --test cli crash_harness_full -- --ignored --nocapture
