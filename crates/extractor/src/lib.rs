//! factwire-extractor (being built).
