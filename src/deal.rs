//! The deal description, format v1 (`shared/design/deal-format.md`): types, parsing and
//! validation. Absent means unknown: every optional fact is an `Option`, never a default.

use std::collections::BTreeMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::date::Date;

/// The `schema` value of a v1 deal.
pub const DEAL_SCHEMA: &str = "dealscreen/deal@1";

/// A deal description, as read from JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dealscreen deal description, v1")]
pub struct Deal {
    /// `"dealscreen/deal@1"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Stable id, `[a-z0-9][a-z0-9._-]*`.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"))]
    pub id: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Signing, closing, filing and outside dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Dates>,
    /// The investing or acquiring person (ultimate parent's figures).
    pub acquirer: Party,
    /// The company acquired or invested in.
    pub target: Party,
    /// What changes hands.
    pub transaction: Transaction,
    /// Rights the acquirer gets in the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<Governance>,
    /// Side agreements: exclusivity, compute, revenue share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial: Option<Commercial>,
    /// Relevant markets with shares, for concentration rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markets: Option<Vec<Market>>,
    /// Compute facts of the target's (or joint) AI models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<Ai>,
    /// People who would sit on the boards of competitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlocks: Option<Vec<Interlock>>,
    /// Exchange rates the reviewer asserts for this deal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx: Option<Fx>,
    /// Free-form; never read by shipped rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// The deal's dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// Signing / agreement date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<Date>,
    /// Expected or actual closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<Date>,
    /// Planned or actual filing date (HSR fees follow the schedule in force at filing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<Date>,
    /// The agreement's outside (long-stop) date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside: Option<Date>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Where the filing date the screening uses comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilingDate {
    /// `dates.filing`.
    Given,
    /// No filing date: the signing date is assumed, the earliest a filing is usually made.
    AssumedSigning,
    /// Neither date: the screening date is assumed.
    AssumedAsOf,
}

impl FilingDate {
    /// The filing date of a deal: given, else assumed, by one rule for every part of the
    /// pack (the HSR fee tier, the timeline), so a report never assumes two filing dates.
    pub fn of(filing: Option<Date>, signing: Option<Date>, as_of: Date) -> (Date, FilingDate) {
        match (filing, signing) {
            (Some(f), _) => (f, FilingDate::Given),
            (None, Some(s)) => (s, FilingDate::AssumedSigning),
            (None, None) => (as_of, FilingDate::AssumedAsOf),
        }
    }

    /// The basis as scripts see it: `given`, `signing` or `as_of`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilingDate::Given => "given",
            FilingDate::AssumedSigning => "signing",
            FilingDate::AssumedAsOf => "as_of",
        }
    }
}

/// What a party does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Cloud infrastructure.
    CloudInfrastructure,
    /// Developing AI models.
    AiModelDevelopment,
    /// Chips.
    Semiconductors,
    /// Online platforms.
    OnlinePlatform,
    /// Enterprise software.
    EnterpriseSoftware,
    /// Anything else.
    Other,
}

/// An acquirer or target (ultimate parent's figures).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country of the ultimate parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub country: Option<String>,
    /// What the person does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activities: Option<Vec<Activity>>,
    /// Engaged in manufacturing (HSR size-of-person test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engaged_in_manufacturing: Option<bool>,
    /// Capital, surplus and undivided profits (Clayton Act §8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub capital_usd: Option<f64>,
    /// Annual net sales, last regularly prepared annual statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub annual_net_sales_usd: Option<f64>,
    /// Total assets, last regularly prepared balance sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub total_assets_usd: Option<f64>,
    /// Sales in or into the United States.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub us_sales_usd: Option<f64>,
    /// Worldwide turnover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub worldwide_turnover_eur: Option<f64>,
    /// EU-wide turnover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub eu_turnover_eur: Option<f64>,
    /// German turnover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub de_turnover_eur: Option<f64>,
    /// UK turnover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub uk_turnover_gbp: Option<f64>,
    /// Voting interest that foreign governments hold in this party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub foreign_government_interest_pct: Option<f64>,
    /// Designated gatekeeper under the EU Digital Markets Act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eu_dma_gatekeeper: Option<bool>,
    /// CFIUS "TID U.S. business".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid_us_business: Option<bool>,
    /// Produces, designs, tests, manufactures, fabricates or develops critical technologies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_technologies: Option<bool>,
    /// Gross revenue incl. affiliates (state AI laws).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub annual_revenue_usd: Option<f64>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Kind of transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    /// Acquisition.
    Acquisition,
    /// Merger.
    Merger,
    /// Minority investment.
    MinorityInvestment,
    /// Joint venture.
    JointVenture,
    /// Asset purchase.
    AssetPurchase,
    /// Licence plus hiring of staff.
    LicenseAndHire,
}

/// What is acquired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Voting securities.
    VotingSecurities,
    /// Non-voting equity.
    NonVotingEquity,
    /// Convertible notes.
    ConvertibleNotes,
    /// LLC / partnership interests.
    NonCorporateInterests,
    /// Assets.
    Assets,
}

/// What changes hands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    /// Kind of transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TransactionKind>,
    /// What is acquired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<Instrument>,
    /// Consideration for what is acquired at this closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub value_usd: Option<f64>,
    /// Including options, later tranches and conversions agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub committed_value_usd: Option<f64>,
    /// Acquirer's voting interest before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voting_pct_before: Option<f64>,
    /// Value of the target's voting securities and non-corporate interests already held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub prior_holdings_value_usd: Option<f64>,
    /// A US export authorization would be needed to export the target's critical technology to the acquirer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_authorization_required: Option<bool>,
    /// Acquirer's voting interest after this closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voting_pct_after: Option<f64>,
    /// Share of profits / economic interest after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economic_pct_after: Option<f64>,
    /// Extension: right to assets on dissolution of a non-corporate entity after the deal
    /// (16 CFR 801.1(b)(1)(ii) control test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolution_assets_pct_after: Option<f64>,
    /// The instrument can convert into voting securities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convertible_to_voting: Option<bool>,
    /// Value of the target's US assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub target_us_assets_usd: Option<f64>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Rights the acquirer gets in the target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Seats the acquirer may appoint or nominate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_seats: Option<u32>,
    /// Total seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_size: Option<u32>,
    /// Right to appoint a non-voting board observer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_observer: Option<bool>,
    /// Consent rights over matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto_rights: Option<Vec<String>>,
    /// Access to material non-public technical information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonpublic_technical_access: Option<bool>,
    /// Involvement in substantive decision-making beyond voting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substantive_decision_involvement: Option<bool>,
    /// The acquirer states a purely passive investment intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passive_investment_intent: Option<bool>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Kind of exclusivity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExclusivityKind {
    /// Cloud provider.
    CloudProvider,
    /// Distribution.
    Distribution,
    /// Chips.
    Chips,
    /// Model supply.
    ModelSupply,
    /// Other.
    Other,
}

/// Which party benefits from an exclusivity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Beneficiary {
    /// The acquirer.
    Acquirer,
    /// The target.
    Target,
}

/// How strong an exclusivity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExclusivityScope {
    /// Exclusive.
    Exclusive,
    /// Primary provider.
    Primary,
    /// Preferred provider.
    Preferred,
}

/// An exclusivity or primary-provider term.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusivity {
    /// What is exclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ExclusivityKind>,
    /// Who benefits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<Beneficiary>,
    /// Exclusive, primary or preferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ExclusivityScope>,
    /// Duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    /// In words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Side agreements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commercial {
    /// Exclusivity terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusivity: Option<Vec<Exclusivity>>,
    /// Target's commitment to buy the acquirer's compute / cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub compute_commitment_usd: Option<f64>,
    /// The acquirer shares in the target's revenue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_share: Option<bool>,
    /// Licence fees paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub licensing_value_usd: Option<f64>,
    /// Target staff the acquirer hires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees_hired: Option<u32>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// How the parties relate in a market.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarketRelation {
    /// Both parties sell in it.
    Horizontal,
    /// One supplies the other.
    Vertical,
}

/// A relevant market.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Name, e.g. `US cloud infrastructure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Horizontal or vertical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<MarketRelation>,
    /// Participant to share (0–100); must contain `acquirer` and `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares_pct: Option<BTreeMap<String, f64>>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// AI training-compute facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ai {
    /// Largest training run's operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub training_compute_ops: Option<f64>,
    /// Extension: cumulative operations used to train the model, counting fine-tuning,
    /// reinforcement learning and later training (EU AI Act Art. 51(2), California SB 53).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub cumulative_training_compute_ops: Option<f64>,
    /// Trained primarily on biological sequence data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biological_sequence_data: Option<bool>,
    /// Theoretical peak of a co-located computing cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub cluster_peak_ops_per_s: Option<f64>,
    /// Data-centre networking of that cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub cluster_network_gbps: Option<f64>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// A person who would sit on the boards of competitors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interlock {
    /// The person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// `acquirer`, `target` or a named competitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boards: Option<Vec<String>>,
    /// Competitive sales between the corporations concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub competitive_sales_usd: Option<f64>,
    /// Free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// Exchange rates asserted by the reviewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fx {
    /// US dollars per euro.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub usd_per_eur: Option<f64>,
    /// US dollars per pound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub usd_per_gbp: Option<f64>,
}

/// Why a deal was rejected: the JSON pointer of the offending value and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if pointer.is_empty() { "(document)" } else { pointer.as_str() })]
pub struct DealError {
    /// RFC 6901 pointer of the offending value (`""` for the whole document).
    pub pointer: String,
    /// What is wrong, in lowercase words.
    pub message: String,
    /// Line and column in the input, when the error was found while reading JSON text.
    pub location: Option<(usize, usize)>,
}

impl DealError {
    fn at(pointer: impl Into<String>, message: impl Into<String>) -> DealError {
        DealError {
            pointer: pointer.into(),
            message: message.into(),
            location: None,
        }
    }
}

/// A deal that parsed and validated, with its canonical JSON and digest.
#[derive(Clone, Debug)]
pub struct ParsedDeal {
    /// The typed deal.
    pub deal: Deal,
    /// The canonical JSON form: nulls dropped, keys sorted. Rules read facts from this.
    pub canonical: Arc<Value>,
    /// SHA-256 (hex) of the canonical JSON text.
    pub digest: String,
}

impl ParsedDeal {
    /// Parses and validates a deal from JSON text. Nothing is screened from a deal that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<ParsedDeal, DealError> {
        // A struct also deserialises from a JSON array; a deal must be an object.
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | None => {}
            Some(_) => {
                return Err(DealError::at(
                    "",
                    "the input is not a JSON object: a deal is one JSON object (`{ \"id\": …, \"acquirer\": …, … }`)",
                ));
            }
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let deal: Deal = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let pointer = pointer_of(err.path());
            let inner = err.into_inner();
            let location = (inner.line() > 0).then(|| (inner.line(), inner.column()));
            from_serde_error(pointer, &inner, location)
        })?;
        de.end().map_err(|e| DealError {
            pointer: String::new(),
            message: format!(
                "trailing characters after the deal object ({})",
                strip_location(&e)
            ),
            location: Some((e.line(), e.column())),
        })?;
        ParsedDeal::from_deal(deal)
    }

    /// Parses and validates a deal from an already-parsed JSON value.
    pub fn from_value(value: Value) -> Result<ParsedDeal, DealError> {
        if !value.is_object() {
            return Err(DealError::at(
                "",
                "a deal is one JSON object (`{ \"id\": …, \"acquirer\": …, … }`)",
            ));
        }
        let deal: Deal = serde_path_to_error::deserialize(value).map_err(|err| {
            let pointer = pointer_of(err.path());
            let inner = err.into_inner();
            from_serde_error(pointer, &inner, None)
        })?;
        ParsedDeal::from_deal(deal)
    }

    /// Validates a typed deal and computes its canonical form and digest.
    pub fn from_deal(deal: Deal) -> Result<ParsedDeal, DealError> {
        validate(&deal)?;
        let canonical = serde_json::to_value(&deal)
            .map_err(|e| DealError::at("", format!("deal cannot be serialised: {e}")))?;
        let text = canonical.to_string();
        let digest = hex(&Sha256::digest(text.as_bytes()));
        Ok(ParsedDeal {
            deal,
            canonical: Arc::new(canonical),
            digest,
        })
    }

    /// The date the deal is screened as of, unless overridden: closing, else signing.
    pub fn default_as_of(&self) -> Option<Date> {
        let dates = self.deal.dates.as_ref()?;
        dates.closing.or(dates.signing)
    }
}

/// Lower-case hexadecimal of a byte string.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn strip_location(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

fn from_serde_error(
    mut pointer: String,
    err: &serde_json::Error,
    location: Option<(usize, usize)>,
) -> DealError {
    let mut message = strip_location(err);
    // serde reports an unknown field at the object holding it; the user wants the field.
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some(end) = rest.find('`')
    {
        let field = &rest[..end];
        let segment = format!("/{}", escape_pointer(field));
        // Paths tracked while reading text already end at the field; paths from values do not.
        if !pointer.ends_with(&segment) {
            pointer.push_str(&segment);
        }
        message = format!(
            "unknown field `{field}` (a typo is never ignored: {}; free-form data belongs in `extra`)",
            rest[end + 1..].trim_start_matches(", ")
        );
    }
    message = plain_words(&message);
    if err.is_eof() && pointer.is_empty() {
        message = format!("the input is empty or ends too early ({message})");
    }
    DealError {
        pointer,
        message,
        location,
    }
}

/// serde speaks of Rust types; a deal author should read JSON terms.
fn plain_words(message: &str) -> String {
    if message.starts_with("invalid type: null") {
        return "required, and null is read as absent".to_string();
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing required field {field}");
    }
    message
        .replace("expected u32", "expected a whole number (0 or more)")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected a text string")
        .replace(
            "number out of range",
            "number out of range (not a finite number)",
        )
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

struct Validator {
    errors: Vec<DealError>,
}

impl Validator {
    fn money(&mut self, pointer: &str, value: Option<f64>) {
        if let Some(v) = value
            && !(v.is_finite() && v >= 0.0)
        {
            self.errors.push(DealError::at(
                pointer,
                format!(
                    "{} is not an amount (a non-negative number)",
                    crate::format::plain(v)
                ),
            ));
        }
    }

    fn pct(&mut self, pointer: &str, value: Option<f64>) {
        if let Some(v) = value
            && !(v.is_finite() && (0.0..=100.0).contains(&v))
        {
            self.errors.push(DealError::at(
                pointer,
                format!("{} is not a percentage (0-100)", crate::format::plain(v)),
            ));
        }
    }

    fn non_negative(&mut self, pointer: &str, value: Option<f64>, what: &str) {
        if let Some(v) = value
            && !(v.is_finite() && v >= 0.0)
        {
            self.errors.push(DealError::at(
                pointer,
                format!(
                    "{} is not {what} (a non-negative number)",
                    crate::format::plain(v)
                ),
            ));
        }
    }

    fn party(&mut self, base: &str, p: &Party) {
        if p.name.trim().is_empty() {
            self.errors.push(DealError::at(
                format!("{base}/name"),
                "name must not be empty",
            ));
        }
        if let Some(c) = &p.country
            && !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            self.errors.push(DealError::at(
                format!("{base}/country"),
                format!("`{c}` is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. `US`)"),
            ));
        }
        for (field, v) in [
            ("capital_usd", p.capital_usd),
            ("annual_net_sales_usd", p.annual_net_sales_usd),
            ("total_assets_usd", p.total_assets_usd),
            ("us_sales_usd", p.us_sales_usd),
            ("worldwide_turnover_eur", p.worldwide_turnover_eur),
            ("eu_turnover_eur", p.eu_turnover_eur),
            ("de_turnover_eur", p.de_turnover_eur),
            ("uk_turnover_gbp", p.uk_turnover_gbp),
            ("annual_revenue_usd", p.annual_revenue_usd),
        ] {
            self.money(&format!("{base}/{field}"), v);
        }
        self.pct(
            &format!("{base}/foreign_government_interest_pct"),
            p.foreign_government_interest_pct,
        );
    }
}

fn validate(deal: &Deal) -> Result<(), DealError> {
    let mut v = Validator { errors: Vec::new() };
    if let Some(s) = &deal.schema
        && s != DEAL_SCHEMA
    {
        v.errors.push(DealError::at(
            "/schema",
            format!("`{s}` is not a supported deal format (expected `{DEAL_SCHEMA}`)"),
        ));
    }
    if !valid_id(&deal.id) {
        v.errors.push(DealError::at(
            "/id",
            format!("`{}` is not a valid deal id (lowercase letters, digits, `.`, `_`, `-`, starting with a letter or digit)", deal.id),
        ));
    }
    v.party("/acquirer", &deal.acquirer);
    v.party("/target", &deal.target);
    let t = &deal.transaction;
    v.money("/transaction/value_usd", t.value_usd);
    v.money("/transaction/committed_value_usd", t.committed_value_usd);
    v.money(
        "/transaction/prior_holdings_value_usd",
        t.prior_holdings_value_usd,
    );
    v.money("/transaction/target_us_assets_usd", t.target_us_assets_usd);
    v.pct("/transaction/voting_pct_before", t.voting_pct_before);
    v.pct("/transaction/voting_pct_after", t.voting_pct_after);
    v.pct("/transaction/economic_pct_after", t.economic_pct_after);
    v.pct(
        "/transaction/dissolution_assets_pct_after",
        t.dissolution_assets_pct_after,
    );
    if let Some(g) = &deal.governance
        && let (Some(seats), Some(size)) = (g.board_seats, g.board_size)
        && seats > size
    {
        v.errors.push(DealError::at(
            "/governance/board_seats",
            format!("{seats} board seats exceed the board size of {size}"),
        ));
    }
    if let Some(c) = &deal.commercial {
        v.money(
            "/commercial/compute_commitment_usd",
            c.compute_commitment_usd,
        );
        v.money("/commercial/licensing_value_usd", c.licensing_value_usd);
    }
    for (i, m) in deal.markets.iter().flatten().enumerate() {
        let base = format!("/markets/{i}/shares_pct");
        if let Some(shares) = &m.shares_pct {
            for key in ["acquirer", "target"] {
                if !shares.contains_key(key) {
                    v.errors.push(DealError::at(
                        base.clone(),
                        format!("shares must name `{key}` (use 0 where that party is absent from the market)"),
                    ));
                }
            }
            for (name, share) in shares {
                v.pct(&format!("{base}/{}", escape_pointer(name)), Some(*share));
            }
        }
    }
    if let Some(ai) = &deal.ai {
        v.non_negative(
            "/ai/training_compute_ops",
            ai.training_compute_ops,
            "a count of operations",
        );
        v.non_negative(
            "/ai/cumulative_training_compute_ops",
            ai.cumulative_training_compute_ops,
            "a count of operations",
        );
        v.non_negative(
            "/ai/cluster_peak_ops_per_s",
            ai.cluster_peak_ops_per_s,
            "a rate",
        );
        v.non_negative(
            "/ai/cluster_network_gbps",
            ai.cluster_network_gbps,
            "a rate",
        );
    }
    for (i, il) in deal.interlocks.iter().flatten().enumerate() {
        v.money(
            &format!("/interlocks/{i}/competitive_sales_usd"),
            il.competitive_sales_usd,
        );
    }
    if let Some(fx) = &deal.fx {
        for (field, rate) in [
            ("usd_per_eur", fx.usd_per_eur),
            ("usd_per_gbp", fx.usd_per_gbp),
        ] {
            if let Some(r) = rate
                && !(r.is_finite() && r > 0.0)
            {
                v.errors.push(DealError::at(
                    format!("/fx/{field}"),
                    format!(
                        "{} is not an exchange rate (a positive number)",
                        crate::format::plain(r)
                    ),
                ));
            }
        }
    }
    match v.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filing_date_is_given_else_the_signing_date_else_the_screening_date() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let (f, s, a) = (d("2024-06-03"), d("2024-05-01"), d("2024-09-30"));
        assert_eq!(FilingDate::of(Some(f), Some(s), a), (f, FilingDate::Given));
        assert_eq!(
            FilingDate::of(None, Some(s), a),
            (s, FilingDate::AssumedSigning)
        );
        assert_eq!(FilingDate::of(None, None, a), (a, FilingDate::AssumedAsOf));
    }

    const MINIMAL: &str =
        r#"{"id":"d1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{}}"#;

    #[test]
    fn minimal_deal_parses_and_absent_stays_absent() {
        let d = ParsedDeal::from_slice(MINIMAL.as_bytes()).unwrap();
        assert_eq!(d.deal.transaction.value_usd, None);
        assert_eq!(d.canonical.pointer("/transaction/value_usd"), None);
    }

    #[test]
    fn null_reads_as_absent() {
        let s = r#"{"id":"d1","acquirer":{"name":"A","total_assets_usd":null},"target":{"name":"T"},"transaction":{}}"#;
        let d = ParsedDeal::from_slice(s.as_bytes()).unwrap();
        assert_eq!(d.canonical.pointer("/acquirer/total_assets_usd"), None);
    }

    #[test]
    fn digest_ignores_key_order_and_whitespace() {
        let a = ParsedDeal::from_slice(MINIMAL.as_bytes()).unwrap();
        let b = ParsedDeal::from_slice(
            br#"{ "transaction": {}, "target": {"name":"T"}, "acquirer": {"name":"A"}, "id": "d1" }"#,
        )
        .unwrap();
        assert_eq!(a.digest, b.digest);
    }

    #[test]
    fn errors_name_the_pointer() {
        let cases = [
            (
                r#"{"id":"d1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{"voting_pct_after":150}}"#,
                "/transaction/voting_pct_after",
            ),
            (
                r#"{"id":"d1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{"value_usd":"1"}}"#,
                "/transaction/value_usd",
            ),
            (
                r#"{"id":"d1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{},"governance":{"board_seatz":1}}"#,
                "/governance/board_seatz",
            ),
            (
                r#"{"id":"D1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{}}"#,
                "/id",
            ),
            (
                r#"{"acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{}}"#,
                "",
            ),
            ("", ""),
        ];
        for (input, pointer) in cases {
            let err = ParsedDeal::from_slice(input.as_bytes()).unwrap_err();
            assert_eq!(err.pointer, pointer, "{input}: {err}");
        }
    }

    #[test]
    fn unknown_field_message_is_specific() {
        let s = r#"{"id":"d1","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{"valu_usd":1}}"#;
        let err = ParsedDeal::from_slice(s.as_bytes()).unwrap_err();
        assert_eq!(err.pointer, "/transaction/valu_usd");
        assert!(
            err.message.contains("unknown field `valu_usd`"),
            "{}",
            err.message
        );
    }
}
