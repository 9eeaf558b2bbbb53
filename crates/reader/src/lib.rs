//! factwire-reader (being built).
