//! The server's shared state: the current rule pack (swapped atomically on reload), where
//! it comes from, the optional token and the limits.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use dealscreen::report::RulesetRef;
use dealscreen::{Problem, RuleSet};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a pack could not be (re)loaded.
#[derive(Debug)]
pub enum PackError {
    /// The folder could not be read.
    Read(dealscreen::pack::PackReadError),
    /// `rules check` found problems (or loading failed): every one, positioned.
    Problems(Vec<Problem>),
}

impl PackError {
    /// Prints the diagnostics on standard error, as the command line does.
    pub fn print(&self) {
        match self {
            PackError::Read(e) => eprintln!("{:?}", miette::Report::msg(e.to_string())),
            PackError::Problems(problems) => {
                for p in problems {
                    eprintln!("{:?}", miette::Report::new(p.clone()));
                }
                eprintln!(
                    "the rule pack has {} problem{}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
            }
        }
    }

    /// One line for a log or a problem's detail.
    pub fn summary(&self) -> String {
        match self {
            PackError::Read(e) => e.to_string(),
            PackError::Problems(p) => format!(
                "the rule pack has {} problem{} (`dealscreen rules check` lists them)",
                p.len(),
                if p.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

/// Reads the pack (from `dir`, or the one built into the binary), checks it like
/// `dealscreen rules check` and loads it. A pack with any problem is refused.
pub fn load_pack(dir: Option<&PathBuf>) -> Result<RuleSet, PackError> {
    let files = match dir {
        Some(d) => dealscreen::pack::read_dir(d).map_err(PackError::Read)?,
        None => dealscreen::pack::embedded_files(),
    };
    // The check loads the pack on the way; a clean check hands back that pack, which
    // carries no broken rules (their problems are part of the check).
    match dealscreen::check::check_and_load(&files) {
        (problems, _) if !problems.is_empty() => Err(PackError::Problems(problems)),
        (_, Some(set)) => Ok(set),
        (_, None) => RuleSet::load(&files).map_err(|e| PackError::Problems(e.problems)),
    }
}

/// Digest and size of a pack, as reports and `/healthz` show them.
pub fn ruleset_ref(set: &RuleSet) -> RulesetRef {
    RulesetRef {
        digest: set.digest().to_string(),
        rules: set.len(),
    }
}

/// State shared by every request.
pub struct App {
    rules: RwLock<Arc<RuleSet>>,
    reload_lock: Mutex<()>,
    /// `--rules DIR`, or `None` for the embedded pack.
    pub source: Option<PathBuf>,
    token_digest: Option<[u8; 32]>,
    /// `--timeout-ms`.
    pub timeout: Duration,
    /// The OpenAPI document, built once.
    pub openapi: String,
    /// `schema deal`, built once.
    pub deal_schema: String,
    /// `schema report`, built once.
    pub report_schema: String,
}

/// Outcome of comparing a request's credentials with the configured token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No token is configured.
    NotConfigured,
    /// The request carries the right token.
    Valid,
    /// The request carries no token, or the wrong one.
    Invalid,
}

impl App {
    /// New state around a loaded pack.
    pub fn new(
        rules: RuleSet,
        source: Option<PathBuf>,
        token: Option<String>,
        timeout: Duration,
    ) -> App {
        let openapi = super::openapi::document(token.is_some()).to_string();
        App {
            rules: RwLock::new(Arc::new(rules)),
            reload_lock: Mutex::new(()),
            source,
            token_digest: token.map(|t| Sha256::digest(t.as_bytes()).into()),
            timeout,
            openapi,
            deal_schema: pretty(&schemars::schema_for!(dealscreen::Deal)),
            report_schema: pretty(&schemars::schema_for!(dealscreen::Report)),
        }
    }

    /// The pack in force now. A request keeps the pack it started with, even if a reload
    /// swaps in another one meanwhile.
    pub fn rules(&self) -> Arc<RuleSet> {
        // The lock only guards a pointer swap, so a poisoned lock still holds a valid pack.
        match self.rules.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// True when a token is configured.
    pub fn has_token(&self) -> bool {
        self.token_digest.is_some()
    }

    /// Checks a request's `Authorization` header value, in constant time (both sides are
    /// hashed first, so neither the token's content nor its length leaks through timing).
    pub fn authorize(&self, header: Option<&str>) -> Auth {
        let Some(expected) = &self.token_digest else {
            return Auth::NotConfigured;
        };
        let given = header
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let Some(given) = given else {
            return Auth::Invalid;
        };
        let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        if bool::from(digest.ct_eq(expected)) {
            Auth::Valid
        } else {
            Auth::Invalid
        }
    }

    /// Loads the pack again from its source and swaps it in if it is clean; otherwise the
    /// current pack stays. Returns the (previous, current) ruleset references.
    pub fn reload(&self) -> Result<(RulesetRef, RulesetRef), PackError> {
        // One reload at a time, so two reloads cannot interleave their swaps.
        let _serial = self
            .reload_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let new = Arc::new(load_pack(self.source.as_ref())?);
        let current = ruleset_ref(&new);
        let mut slot = self
            .rules
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let old = std::mem::replace(&mut *slot, new);
        drop(slot);
        Ok((ruleset_ref(&old), current))
    }
}

fn pretty(schema: &schemars::Schema) -> String {
    serde_json::to_string_pretty(schema).unwrap_or_default()
}
