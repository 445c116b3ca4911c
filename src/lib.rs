//! dealscreen: regulatory-risk screening of deal descriptions with explained,
//! Rhai-scripted rules.
//!
//! ```no_run
//! use dealscreen::{ParsedDeal, RuleSet, ScreenOptions};
//!
//! let rules = RuleSet::load(&dealscreen::pack::embedded_files())?;
//! let deal = ParsedDeal::from_slice(br#"{"id":"d","acquirer":{"name":"A"},
//!     "target":{"name":"T"},"transaction":{},"dates":{"signing":"2024-05-01"}}"#)?;
//! let report = rules.screen(&deal, &ScreenOptions::default())?;
//! println!("{}", report.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The core (deal, rules, params, engine, findings, report) does no I/O; [`pack`] is the one
//! loader that reads a rule folder.

pub mod calendar;
pub mod catalog;
pub mod check;
pub mod compare;
pub mod date;
pub mod deal;
pub mod diagnostic;
mod doc;
pub mod fact_labels;
pub mod finding;
pub mod format;
mod host;
pub mod html;
pub mod matrix;
pub mod memo;
pub mod pack;
pub mod params;
pub mod regime;
pub mod report;
pub mod rule;
pub mod ruleset;
pub mod ruletest;
mod sandbox;
pub mod scan;
pub mod screen;
pub mod timeline;
pub mod whatif;

pub use date::Date;
pub use deal::{Deal, DealError, ParsedDeal};
pub use diagnostic::Problem;
pub use finding::{Finding, Severity, Status};
pub use report::Report;
pub use rule::RuleMeta;
pub use ruleset::{LoadError, RuleSet, SourceFile};
pub use sandbox::Limits;
pub use screen::{ScreenError, ScreenOptions, Trace};
