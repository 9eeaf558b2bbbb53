//! The nouns of factwire and the text plumbing its analysers share.
//!
//! This crate describes data: the article record, facts and entities exactly as
//! `CONTRACT.md` shapes them in JSON, the run report, search hits and fact rows, plus
//! pure text utilities (whitespace normalisation, sentence segmentation, byte↔char
//! offset maps). It does no I/O: it never reads files, opens sockets or logs.
//!
//! Unknown values are `Option::None` and serialise as JSON `null`, never as a missing
//! key, which is what the contract asks of every record.
//!
//! ```
//! use factwire_core::{Fact, FactKind};
//! let fact = Fact::new(FactKind::Percent, "24%", 10, 13, "AWS grew 24%.");
//! let json = serde_json::to_value(&fact).unwrap();
//! assert_eq!(json["kind"], "percent");
//! assert!(json["subject"].is_null());
//! ```

pub mod fingerprint;
mod model;
pub mod text;

pub use model::*;
