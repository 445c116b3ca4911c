//! `dealscreen rules …`: what is in the rule pack.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Exit, load_rules};

#[derive(Subcommand)]
pub enum RulesCommand {
    /// One line per rule: id, severity, in-force window, title
    List {
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

pub fn run(cmd: RulesCommand) -> Exit {
    match cmd {
        RulesCommand::List { rules } => {
            let set = match load_rules(rules.as_ref()) {
                Ok(s) => s,
                Err(e) => return e,
            };
            let width = set.rules().map(|r| r.id.len()).max().unwrap_or(0);
            for r in set.rules() {
                println!(
                    "{:<width$}  {:<8}  {:<26}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.window_text(),
                    r.title
                );
            }
            Exit::Ok
        }
    }
}
