//! factwire-index (being built).
