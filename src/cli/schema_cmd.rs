//! `dealscreen schema deal|report`.

use clap::ValueEnum;

use super::Exit;

/// Which schema to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The deal description (input).
    Deal,
    /// The screening report (output).
    Report,
}

pub fn run(which: Which) -> Exit {
    let schema = match which {
        Which::Deal => schemars::schema_for!(dealscreen::Deal),
        Which::Report => schemars::schema_for!(dealscreen::Report),
    };
    match serde_json::to_string_pretty(&schema) {
        Ok(s) => {
            out!("{s}");
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: cannot print the schema: {e}");
            Exit::InputInvalid
        }
    }
}
