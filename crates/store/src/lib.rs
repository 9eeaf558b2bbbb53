//! factwire-store (being built).
