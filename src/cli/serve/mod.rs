//! `dealscreen serve`: the library over HTTP. A thin layer: it parses requests, calls the
//! same library functions as the command line, and serialises their answers; it decides
//! nothing a library user could not decide too.

mod app;
mod openapi;
mod page;
mod problem;
mod routes;

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::Exit;
use app::{App, load_pack};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the real one is printed)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: String,
    /// Rule pack folder (default: the pack built into the binary); reload re-reads it
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// File holding a bearer token: every /v1/* route then needs `Authorization: Bearer
    /// <token>`, and /v1/admin/reload is enabled
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Largest request body, in bytes
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1..))]
    body_limit: u64,
    /// Longest time to answer one request, in milliseconds (503 after that)
    #[arg(long, default_value_t = 10_000, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout_ms: u64,
    /// Requests handled at once; the others wait for a slot within the timeout
    #[arg(long, default_value_t = 64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=65_536))]
    max_concurrency: u64,
}

fn read_token(path: &PathBuf) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the token file `{}`: {e}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("the token file `{}` is empty", path.display()));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the token in `{}` holds whitespace; a bearer token is one word",
            path.display()
        ));
    }
    Ok(token.to_string())
}

/// Runs the server until SIGINT or SIGTERM. Refuses to start (exit 2) when the pack has
/// problems, the token file cannot be read or the address cannot be bound.
pub fn run(args: ServeArgs) -> Exit {
    let token = match args.token_file.as_ref().map(read_token).transpose() {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Exit::InputInvalid;
        }
    };
    let rules = match load_pack(args.rules.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            e.print();
            eprintln!("error: the server did not start: fix the rule pack first");
            return Exit::InputInvalid;
        }
    };
    let limits = routes::Limits {
        body: usize::try_from(args.body_limit).unwrap_or(usize::MAX),
        timeout: Duration::from_millis(args.timeout_ms),
        concurrency: usize::try_from(args.max_concurrency).unwrap_or(64),
    };
    let app = Arc::new(App::new(rules, args.rules.clone(), token, limits.timeout));
    // Screening is CPU work: more screening threads than twice the cores add no speed, and
    // each thread keeps its own compiled copy of the pack, so they are bounded here;
    // requests beyond them wait in the queue (within the concurrency limit and timeout).
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(limits.concurrency.clamp(1, 2 * cores).max(2))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return Exit::InputInvalid;
        }
    };
    let exit = runtime.block_on(serve(app, &args.addr, limits));
    // Screening still running for a client that has gone is not waited for long.
    runtime.shutdown_timeout(Duration::from_secs(5));
    exit
}

async fn serve(app: Arc<App>, addr: &str, limits: routes::Limits) -> Exit {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on `{addr}`: {e}");
            return Exit::InputInvalid;
        }
    };
    let local = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot read the bound address: {e}");
            return Exit::InputInvalid;
        }
    };
    let rules = app.rules();
    eprintln!(
        "rule pack {} ({} rules) from {}; token {}",
        rules.digest(),
        rules.len(),
        app.source
            .as_ref()
            .map_or_else(|| "the binary".to_string(), |d| d.display().to_string()),
        if app.has_token() {
            "required on /v1/*"
        } else {
            "not configured (reload disabled)"
        }
    );
    drop(rules);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{local}");
    let _ = out.flush();
    drop(out);

    #[cfg(unix)]
    reload_on_sighup(app.clone());

    let router = routes::router(app, limits);
    match axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            Exit::InputInvalid
        }
    }
}

/// SIGHUP reloads the pack like `POST /v1/admin/reload`; problems go to standard error and
/// the current pack stays.
#[cfg(unix)]
fn reload_on_sighup(app: Arc<App>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("warning: SIGHUP will not reload the pack: {e}");
            return;
        }
    };
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            let worker = app.clone();
            match tokio::task::spawn_blocking(move || worker.reload()).await {
                Ok(Ok((previous, current))) => eprintln!(
                    "SIGHUP: reloaded the rule pack: {} -> {}",
                    previous.digest, current.digest
                ),
                Ok(Err(e)) => {
                    eprintln!("SIGHUP: reload rejected, the current pack stays:");
                    e.print();
                }
                Err(e) => eprintln!("SIGHUP: reload failed: {e}"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    // Whichever comes first (no `select!`, so tokio's macros are not needed).
    let (mut ctrl_c, mut term) = (std::pin::pin!(ctrl_c), std::pin::pin!(term));
    std::future::poll_fn(|cx| {
        if ctrl_c.as_mut().poll(cx).is_ready() || term.as_mut().poll(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    eprintln!("shutting down: finishing the requests in flight");
}
