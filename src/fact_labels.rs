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
                if label(&p) == p {
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
                if field != "extra" && label(&p) == p {
                    unlabelled.push(p);
                }
            }
        }
        assert!(unlabelled.is_empty(), "facts without words: {unlabelled:?}");
    }
}
