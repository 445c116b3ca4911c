//! The sandboxed Rhai engine rules run in: bounded operations, call depth, expression
//! depth, data sizes and wall-clock time; no file, network or clock access; no `eval`;
//! strict variables and strict map properties.

use std::sync::Arc;
use std::time::Duration;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LanguageCorePackage, LogicPackage, MoreStringPackage,
    Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, Module};

use crate::params::ParamSet;

/// The sandbox limits of rule evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Operations one rule may perform for one deal.
    pub max_operations: u64,
    /// Nested function calls.
    pub max_call_levels: usize,
    /// Expression nesting at top level and inside functions.
    pub max_expr_depth: (usize, usize),
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Elements in one array.
    pub max_array_size: usize,
    /// Entries in one map.
    pub max_map_size: usize,
    /// Variables in scope.
    pub max_variables: usize,
    /// Wall-clock time one rule may take for one deal.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 1_000_000,
            max_call_levels: 32,
            max_expr_depth: (64, 32),
            max_string_size: 64 * 1024,
            max_array_size: 10_000,
            max_map_size: 10_000,
            max_variables: 1_000,
            max_time: Duration::from_millis(500),
        }
    }
}

/// Builds the engine rules are compiled and run with.
pub(crate) fn build_engine(params: Arc<ParamSet>, limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    // No BasicTimePackage (clock) and no BlobPackage; the rest is the standard language, in
    // ONE global module: a call rhai has not resolved yet in an evaluation (and every
    // evaluation starts with an empty resolution cache) is looked up in each global module,
    // once per combination of `Dynamic` parameters, so ten package modules made each such
    // lookup ten times dearer. Later packages overwrite earlier ones on a clash, as the
    // search order of separately registered packages (last registered first) did.
    let mut std_lib = Module::new();
    LanguageCorePackage::init(&mut std_lib);
    ArithmeticPackage::init(&mut std_lib);
    LogicPackage::init(&mut std_lib);
    BasicStringPackage::init(&mut std_lib);
    MoreStringPackage::init(&mut std_lib);
    BasicIteratorPackage::init(&mut std_lib);
    BasicFnPackage::init(&mut std_lib);
    BasicMathPackage::init(&mut std_lib);
    BasicArrayPackage::init(&mut std_lib);
    BasicMapPackage::init(&mut std_lib);
    std_lib.register_lazy_functions();
    std_lib.build_index();
    engine.register_global_module(std_lib.into());

    // LanguageCore ships `sleep`, which would block a worker past every limit.
    engine.register_fn("sleep", |_: f64| -> Result<(), Box<EvalAltResult>> {
        Err("`sleep` is not available to rules".into())
    });
    engine.register_fn("sleep", |_: i64| -> Result<(), Box<EvalAltResult>> {
        Err("`sleep` is not available to rules".into())
    });
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});

    engine.set_strict_variables(true);
    engine.set_fail_on_invalid_map_property(true);
    engine.set_max_operations(limits.max_operations);
    engine.set_max_call_levels(limits.max_call_levels);
    engine.set_max_expr_depths(limits.max_expr_depth.0, limits.max_expr_depth.1);
    engine.set_max_string_size(limits.max_string_size);
    engine.set_max_array_size(limits.max_array_size);
    engine.set_max_map_size(limits.max_map_size);
    engine.set_max_variables(limits.max_variables);
    engine.on_progress(|ops| {
        // Reading the clock on every operation would dominate run time; every 1,024 is enough.
        if ops % 1024 == 0 && crate::host::past_deadline() {
            Some(Dynamic::from("time limit exceeded"))
        } else {
            None
        }
    });

    crate::host::register(&mut engine, params);
    engine
}
