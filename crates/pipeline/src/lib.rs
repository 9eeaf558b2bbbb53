//! factwire-pipeline (being built).
