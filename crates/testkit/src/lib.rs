//! factwire-testkit (being built).
