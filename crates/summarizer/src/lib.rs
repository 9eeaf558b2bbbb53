//! factwire-summarizer (being built).
