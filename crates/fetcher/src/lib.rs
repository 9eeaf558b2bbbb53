//! factwire-fetcher (being built).
