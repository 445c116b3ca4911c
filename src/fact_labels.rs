//! The deal format's facts in words: one place that says what each JSON pointer means to a
//! reviewer, used wherever an explanation or a report names a fact.

/// Words for a party field (`/acquirer/…`, `/target/…`); `{p}` is the party.
fn party_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "the {p}'s name",
        "country" => "the {p}'s country (of its ultimate parent)",
        "activities" => "the {p}'s activities",
        "engaged_in_manufacturing" => "whether the {p} is engaged in manufacturing",
        "capital_usd" => "the {p}'s capital, surplus and undivided profits",
        "annual_net_sales_usd" => "the {p}'s annual net sales",
        "total_assets_usd" => "the {p}'s total assets",
        "us_sales_usd" => "the {p}'s sales in or into the United States",
        "worldwide_turnover_eur" => "the {p}'s worldwide turnover",
        "eu_turnover_eur" => "the {p}'s EU turnover",
        "de_turnover_eur" => "the {p}'s German turnover",
        "uk_turnover_gbp" => "the {p}'s UK turnover",
        "foreign_government_interest_pct" => {
            "the voting interest foreign governments hold in the {p}"
        }
        "eu_dma_gatekeeper" => "whether the {p} is a designated DMA gatekeeper",
        "tid_us_business" => "whether the {p} is a TID U.S. business",
        "critical_technologies" => "whether the {p} works with critical technologies",
        "annual_revenue_usd" => "the {p}'s annual gross revenue with affiliates",
        _ => return None,
    })
}

fn simple(pointer: &str) -> Option<&'static str> {
    Some(match pointer {
        "/dates/signing" => "the signing date",
        "/dates/closing" => "the closing date",
        "/dates/filing" => "the filing date",
        "/dates/outside" => "the outside date",
        "/transaction/kind" => "the kind of transaction",
        "/transaction/instrument" => "what is acquired",
        "/transaction/value_usd" => "the value of this acquisition",
        "/transaction/committed_value_usd" => {
            "the committed value (with later tranches and options)"
        }
        "/transaction/voting_pct_before" => "the acquirer's voting interest before the deal",
        "/transaction/prior_holdings_value_usd" => {
            "the value of the target's securities the acquirer already holds"
        }
        "/transaction/export_authorization_required" => {
            "whether a US export authorization would be needed to export the target's critical technology to the acquirer"
        }
        "/transaction/voting_pct_after" => "the acquirer's voting interest after closing",
        "/transaction/economic_pct_after" => "the acquirer's share of profits after closing",
        "/transaction/dissolution_assets_pct_after" => {
            "the acquirer's right to assets on dissolution"
        }
        "/transaction/convertible_to_voting" => {
            "whether the instrument converts into voting securities"
        }
        "/transaction/target_us_assets_usd" => "the target's US assets",
        "/governance/board_seats" => "the board seats the acquirer may appoint or nominate",
        "/governance/board_size" => "the size of the target's board",
        "/governance/board_observer" => "the acquirer's board-observer right",
        "/governance/veto_rights" => "the acquirer's consent (veto) rights",
        "/governance/nonpublic_technical_access" => {
            "the acquirer's access to non-public technical information"
        }
        "/governance/substantive_decision_involvement" => {
            "the acquirer's involvement in substantive decisions"
        }
        "/governance/passive_investment_intent" => {
            "whether the acquirer states a passive investment intent"
        }
        "/commercial/exclusivity" => "the exclusivity terms",
        "/commercial/compute_commitment_usd" => "the target's compute commitment to the acquirer",
        "/commercial/revenue_share" => "whether the acquirer shares in the target's revenue",
        "/commercial/licensing_value_usd" => "the licence fees paid",
        "/commercial/employees_hired" => "the number of the target's staff the acquirer hires",
        "/markets" => "the relevant markets",
        "/interlocks" => "the people who would sit on both sides' boards",
        "/ai/training_compute_ops" => "the largest training run",
        "/ai/cumulative_training_compute_ops" => "the model's cumulative training compute",
        "/ai/biological_sequence_data" => {
            "whether the model was trained primarily on biological sequence data"
        }
        "/ai/cluster_peak_ops_per_s" => "the cluster's theoretical peak",
        "/ai/cluster_network_gbps" => "the cluster's networking",
        "/fx/usd_per_eur" => "the USD-per-EUR rate asserted for the deal",
        "/fx/usd_per_gbp" => "the USD-per-GBP rate asserted for the deal",
        _ => return None,
    })
}

/// The question a lawyer would send to obtain the fact at `pointer` (for information
/// requests); `None` for facts the vocabulary does not know.
pub fn question(pointer: &str) -> Option<String> {
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    let party_q = |p: &str, field: &str| -> Option<String> {
        let who = if p == "acquirer" {
            "the acquirer"
        } else {
            "the target"
        };
        Some(match field {
            "country" => format!("In which country is {who}'s ultimate parent entity?"),
            "activities" => format!(
                "What does {who} do (cloud infrastructure, AI model development, semiconductors, online platform, enterprise software, other)?"
            ),
            "engaged_in_manufacturing" => format!("Is {who} engaged in manufacturing?"),
            "capital_usd" => {
                format!("What are {who}'s capital, surplus and undivided profits (USD)?")
            }
            "annual_net_sales_usd" => format!(
                "What were {who}'s annual net sales on its last regularly prepared annual income statement (ultimate parent, USD)?"
            ),
            "total_assets_usd" => format!(
                "What were {who}'s total assets on its last regularly prepared balance sheet (ultimate parent, USD)?"
            ),
            "us_sales_usd" => format!("What are {who}'s sales in or into the United States (USD)?"),
            "worldwide_turnover_eur" => {
                format!("What was {who}'s worldwide turnover in the last financial year (EUR)?")
            }
            "eu_turnover_eur" => {
                format!("What was {who}'s EU-wide turnover in the last financial year (EUR)?")
            }
            "de_turnover_eur" => {
                format!("What was {who}'s turnover in Germany in the last financial year (EUR)?")
            }
            "uk_turnover_gbp" => {
                format!("What was {who}'s UK turnover in the last financial year (GBP)?")
            }
            "foreign_government_interest_pct" => format!(
                "What voting interest do foreign national or subnational governments hold in {who} (%)?"
            ),
            "eu_dma_gatekeeper" => {
                format!("Is {who} designated a gatekeeper under the EU Digital Markets Act?")
            }
            "tid_us_business" => format!(
                "Is {who} a TID U.S. business (critical technologies, covered critical infrastructure or sensitive personal data)?"
            ),
            "critical_technologies" => format!(
                "Does {who} produce, design, test, manufacture, fabricate or develop critical technologies?"
            ),
            "annual_revenue_usd" => format!(
                "What was {who}'s annual gross revenue, with affiliates, in the preceding calendar year (USD)?"
            ),
            _ => return None,
        })
    };
    match segs.as_slice() {
        [party @ ("acquirer" | "target"), field] => return party_q(party, field),
        ["markets", n, "shares_pct", ..] | ["markets", n] => {
            if let Ok(i) = n.parse::<usize>() {
                return Some(format!(
                    "What are the shares of every participant in market {} (acquirer, target and the other firms, %)?",
                    i + 1
                ));
            }
        }
        _ => {}
    }
    Some(
        match pointer {
            "/dates/signing" => "When was (or will) the agreement (be) signed?",
            "/dates/closing" => "When is closing expected?",
            "/dates/filing" => "When will the filings be made?",
            "/dates/outside" => "What is the agreement's outside (long-stop) date?",
            "/transaction/kind" => "What kind of transaction is it (acquisition, merger, minority investment, joint venture, asset purchase, licence and hire)?",
            "/transaction/instrument" => "What does the acquirer receive: voting securities, non-voting equity, convertible notes, non-corporate (LLC or partnership) interests, or assets?",
            "/transaction/value_usd" => "What is the consideration for what is acquired at this closing (USD)?",
            "/transaction/committed_value_usd" => "What is the total committed value, including options, later tranches and agreed conversions (USD)?",
            "/transaction/voting_pct_before" => "What voting interest in the target does the acquirer hold before the deal (%)?",
            "/transaction/prior_holdings_value_usd" => "What is the value of the target's voting securities and non-corporate interests the acquirer already holds (USD)?",
            "/transaction/export_authorization_required" => "Would a US export licence or other regulatory authorization be needed to export the target's critical technology to the acquirer?",
            "/transaction/voting_pct_after" => "What voting interest in the target will the acquirer hold after closing (%)?",
            "/transaction/economic_pct_after" => "What share of the target's profits (economic interest) will the acquirer hold after closing (%)?",
            "/transaction/dissolution_assets_pct_after" => "What share of the target's assets on dissolution will the acquirer be entitled to after closing (%)?",
            "/transaction/convertible_to_voting" => "Can the instrument convert into voting securities?",
            "/transaction/target_us_assets_usd" => "What is the value of the target's US assets (USD)?",
            "/governance/board_seats" => "How many board seats may the acquirer appoint or nominate?",
            "/governance/board_size" => "How many seats does the target's board have?",
            "/governance/board_observer" => "Does the acquirer get the right to appoint a board observer?",
            "/governance/veto_rights" => "Over which matters does the acquirer get consent (veto) rights (budget, strategy, key hires, …)? An empty list if none.",
            "/governance/nonpublic_technical_access" => "Will the acquirer have access to material non-public technical information of the target?",
            "/governance/substantive_decision_involvement" => "Will the acquirer be involved in the target's substantive decision-making beyond voting its shares?",
            "/governance/passive_investment_intent" => "Does the acquirer state a purely passive investment intent?",
            "/commercial/exclusivity" => "Do side agreements give either party exclusive, primary or preferred status (cloud, distribution, chips, model supply)? An empty list if none.",
            "/commercial/compute_commitment_usd" => "How much has the target committed to spend on the acquirer's compute or cloud (USD)?",
            "/commercial/revenue_share" => "Does the acquirer share in the target's revenue?",
            "/commercial/licensing_value_usd" => "What licence fees are paid (USD)?",
            "/commercial/employees_hired" => "How many of the target's staff does the acquirer hire?",
            "/markets" => "In which relevant markets are the parties active, with each participant's share (horizontal or vertical)? An empty list if none.",
            "/interlocks" => "Will any person sit on the boards (or be an officer) of both the acquirer and the target, or of a competitor? An empty list if none.",
            "/ai/training_compute_ops" => "How many operations did the target's largest training run use?",
            "/ai/cumulative_training_compute_ops" => "How many operations were used to train the model in total, counting fine-tuning and reinforcement learning?",
            "/ai/biological_sequence_data" => "Was the model trained primarily on biological sequence data?",
            "/ai/cluster_peak_ops_per_s" => "What is the theoretical peak (operations per second) of the co-located computing cluster?",
            "/ai/cluster_network_gbps" => "What is the data-centre networking of that cluster (Gbit/s)?",
            "/fx/usd_per_eur" => "Which USD-per-EUR exchange rate should the screening use for this deal?",
            "/fx/usd_per_gbp" => "Which USD-per-GBP exchange rate should the screening use for this deal?",
            _ => return None,
        }
        .to_string(),
    )
}

/// True when the fact at `pointer` is a count of rights or people that a deal could set to
/// none (board seats, employees hired): what-if tries "none" for these, and only these, so
/// an amount such as a turnover is never offered as "none".
pub fn is_count(pointer: &str) -> bool {
    matches!(
        pointer.rsplit('/').next(),
        Some("board_seats" | "employees_hired")
    )
}

/// The fact at `pointer` in words, e.g. `/transaction/value_usd` → "the value of this
/// acquisition"; a pointer the vocabulary does not know is returned as written.
pub fn label(pointer: &str) -> String {
    if let Some(s) = simple(pointer) {
        return s.to_string();
    }
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    match segs.as_slice() {
        [party @ ("acquirer" | "target"), field] => {
            if let Some(t) = party_field(field) {
                return t.replace("{p}", party);
            }
        }
        ["markets", n, rest @ ..] => {
            if let Ok(i) = n.parse::<usize>() {
                let m = format!("market {}", i + 1);
                match rest {
                    [] => return m,
                    ["name"] => return format!("the name of {m}"),
                    ["relation"] => return format!("whether {m} is horizontal or vertical"),
                    ["shares_pct"] => return format!("the shares in {m}"),
                    ["shares_pct", who] => return format!("the {who}'s share of {m}"),
                    _ => {}
                }
            }
        }
        ["interlocks", n, rest @ ..] => {
            if let Ok(i) = n.parse::<usize>() {
                let who = format!("interlock {}", i + 1);
                match rest {
                    [] => return who,
                    ["competitive_sales_usd"] => {
                        return format!("the competitive sales between the corporations of {who}");
                    }
                    ["boards"] => return format!("the boards of {who}"),
                    ["person"] => return format!("the person of {who}"),
                    _ => {}
                }
            }
        }
        ["commercial", "exclusivity", n, rest @ ..] => {
            if let Ok(i) = n.parse::<usize>() {
                let t = format!("exclusivity term {}", i + 1);
                return match rest {
                    [] => t,
                    [field] => format!("the {} of {t}", field.replace('_', " ")),
                    _ => pointer.to_string(),
                };
            }
        }
        _ => {}
    }
    pointer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_counts_of_rights_or_people_are_counts() {
        assert!(is_count("/governance/board_seats"));
        assert!(is_count("/target/employees_hired"));
        assert!(!is_count("/acquirer/worldwide_turnover_eur"));
        assert!(!is_count("/governance/board_size"));
    }

    #[test]
    fn names_facts_in_words() {
        assert_eq!(
            label("/transaction/value_usd"),
            "the value of this acquisition"
        );
        assert_eq!(
            label("/target/total_assets_usd"),
            "the target's total assets"
        );
        assert_eq!(
            label("/markets/0/shares_pct/acquirer"),
            "the acquirer's share of market 1"
        );
        assert_eq!(label("/extra/x"), "/extra/x");
    }

    #[test]
    fn questions_for_requests() {
        assert_eq!(
            question("/target/total_assets_usd").as_deref(),
            Some(
                "What were the target's total assets on its last regularly prepared balance sheet (ultimate parent, USD)?"
            )
        );
        assert!(question("/markets/2/shares_pct").is_some_and(|q| q.contains("market 3")));
        assert_eq!(question("/extra/x"), None);
    }

    #[test]
    fn every_scalar_field_of_the_deal_schema_has_words() {
        let schema = crate::check::deal_schema();
        let mut unlabelled = Vec::new();
        for section in [
            "dates",
            "transaction",
            "governance",
            "commercial",
            "ai",
            "fx",
        ] {
            let props = crate::check::pointer_mismatch(&schema, &format!("/{section}/__nope__"))
                .map(|(_, names)| names)
                .unwrap_or_default();
            for field in props {
                if field == "extra" {
                    continue;
                }
                let p = format!("/{section}/{field}");
                if label(&p) == p || question(&p).is_none() {
                    unlabelled.push(p);
                }
            }
        }
        for party in ["acquirer", "target"] {
            let props = crate::check::pointer_mismatch(&schema, &format!("/{party}/__nope__"))
                .map(|(_, names)| names)
                .unwrap_or_default();
            for field in props {
                let p = format!("/{party}/{field}");
                if field != "extra" && field != "name" && (label(&p) == p || question(&p).is_none())
                {
                    unlabelled.push(p);
                }
            }
        }
        assert!(unlabelled.is_empty(), "facts without words: {unlabelled:?}");
    }
}
