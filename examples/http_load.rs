//! A bounded loopback load generator for `dealscreen serve`: starts the release binary on
//! `127.0.0.1:0`, sends single-deal `POST /v1/screen` requests from K keep-alive
//! connections (raw HTTP/1.1 over `TcpStream`, one thread each) for a fixed time, then
//! reports requests per second, latency percentiles, errors and the server's resident memory
//! before, during and after the load, and kills the server.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example http_load -- [--duration 60] [--connections 8]
//!     [--bin target/release/dealscreen]
//! ```
//!
//! The request bodies are the deals of `fixtures/deals` (compact JSON), each connection
//! cycling through them from its own offset. The server only ever listens on 127.0.0.1 and
//! the generator connects nowhere else. Client and server share the machine: on a 2-core
//! host the client's own CPU use (small next to screening, but not zero) is part of the
//! figure.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error>;

struct Args {
    duration: Duration,
    connections: usize,
    bin: PathBuf,
}

fn parse_args() -> Result<Args, Error> {
    let mut args = Args {
        duration: Duration::from_secs(60),
        connections: 8,
        bin: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/dealscreen"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--duration" => args.duration = Duration::from_secs_f64(value()?.parse()?),
            "--connections" => args.connections = value()?.parse()?,
            "--bin" => args.bin = PathBuf::from(value()?),
            "-h" | "--help" => {
                println!("http_load [--duration SECONDS] [--connections K] [--bin PATH]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    // Bounded: at most an hour, at most 256 connections.
    if args.duration > Duration::from_secs(3600) || args.duration.is_zero() {
        return Err("--duration must be between 0 and 3600 seconds".into());
    }
    if args.connections == 0 || args.connections > 256 {
        return Err("--connections must be between 1 and 256".into());
    }
    Ok(args)
}

/// The server process, killed when dropped (also on an early return or a panic).
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds (user, system) a process has used, from `/proc/<pid>/stat` (`self` for this
/// one), assuming the usual 100 clock ticks per second.
fn cpu_seconds(pid: &str) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces), counted from `state` as 3.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime / 100.0, stime / 100.0))
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Starts `dealscreen serve --addr 127.0.0.1:0` and reads the port from its `listening on`
/// line.
fn start_server(bin: &PathBuf) -> Result<(Server, SocketAddr), Error> {
    let mut child = Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let server = Server { child };
    // Drain stderr so the server never blocks on it; echo it (the pack line, any error).
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("server: {line}");
        }
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("listening on http://") {
                let _ = tx.send(rest.trim().to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "the server did not print `listening on` within 30 s")?;
    let addr: SocketAddr = addr.parse()?;
    if !addr.ip().is_loopback() {
        return Err(format!("the server listens on {addr}, not on loopback").into());
    }
    Ok((server, addr))
}

fn bodies() -> Result<Vec<Vec<u8>>, Error> {
    let mut out = Vec::new();
    for p in support::fixture_deal_paths()? {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p)?)?;
        out.push(serde_json::to_vec(&v)?);
    }
    if out.is_empty() {
        return Err("no deal in fixtures/deals".into());
    }
    Ok(out)
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors_status: u64,
    errors_io: u64,
    reconnects: u64,
    bytes_in: u64,
}

/// One HTTP/1.1 exchange on a keep-alive connection: the status and whether the server
/// keeps the connection open.
fn exchange(
    reader: &mut BufReader<TcpStream>,
    request: &[u8],
    line: &mut String,
    body: &mut Vec<u8>,
) -> std::io::Result<(u16, bool, usize)> {
    reader.get_mut().write_all(request)?;
    line.clear();
    if reader.read_line(line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length = None;
    let mut chunked = false;
    let mut keep = true;
    loop {
        line.clear();
        if reader.read_line(line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                keep = !value.eq_ignore_ascii_case("close");
            }
        }
    }
    body.clear();
    if chunked {
        loop {
            line.clear();
            reader.read_line(line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(std::io::Error::other)?;
            let start = body.len();
            body.resize(start + size + 2, 0);
            reader.read_exact(&mut body[start..])?;
            body.truncate(start + size);
            if size == 0 {
                // Trailers, if any, end with a blank line (already read with the CRLF above).
                break;
            }
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(body)?;
    } else {
        return Err(std::io::Error::other("response without a length"));
    }
    Ok((status, keep, body.len()))
}

fn connect(addr: SocketAddr) -> std::io::Result<BufReader<TcpStream>> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_write_timeout(Some(Duration::from_secs(15)))?;
    Ok(BufReader::with_capacity(64 * 1024, stream))
}

fn worker(
    addr: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    offset: usize,
    deadline: Instant,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tally = Tally::default();
    let mut conn: Option<BufReader<TcpStream>> = None;
    let mut line = String::new();
    let mut body = Vec::with_capacity(256 * 1024);
    let mut i = offset;
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        let reader = match conn.as_mut() {
            Some(r) => r,
            None => match connect(addr) {
                Ok(r) => {
                    tally.reconnects += 1;
                    conn.insert(r)
                }
                Err(_) => {
                    tally.errors_io += 1;
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            },
        };
        let request = &requests[i % requests.len()];
        i += 1;
        let start = Instant::now();
        match exchange(reader, request, &mut line, &mut body) {
            Ok((status, keep, n)) => {
                let us = start.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                tally.bytes_in += n as u64;
                if status == 200 {
                    tally.latencies_us.push(us);
                } else {
                    tally.errors_status += 1;
                }
                if !keep {
                    conn = None;
                }
            }
            Err(_) => {
                tally.errors_io += 1;
                conn = None;
            }
        }
    }
    // The first connection is not a reconnect.
    tally.reconnects = tally.reconnects.saturating_sub(1);
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[idx.min(sorted.len() - 1)]) / 1000.0
}

fn main() -> Result<(), Error> {
    let args = parse_args()?;
    if !args.bin.exists() {
        return Err(format!(
            "{} not found: run `cargo build --release` first (or pass --bin)",
            args.bin.display()
        )
        .into());
    }
    let (server, addr) = start_server(&args.bin)?;
    let pid = server.child.id();
    let bodies = bodies()?;
    let requests: Vec<Vec<u8>> = bodies
        .iter()
        .map(|b| {
            let mut r = format!(
                "POST /v1/screen HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                b.len()
            )
            .into_bytes();
            r.extend_from_slice(b);
            r
        })
        .collect();
    let requests = Arc::new(requests);
    std::thread::sleep(Duration::from_millis(200));
    let rss_before = status_kib(pid, "VmRSS:");
    let server_cpu_before = cpu_seconds(&pid.to_string());
    let client_cpu_before = cpu_seconds("self");
    println!(
        "server pid {pid} on http://{addr}; {} connections for {:.0} s; {} distinct deals; load average {}; {} CPUs",
        args.connections,
        args.duration.as_secs_f64(),
        requests.len(),
        load_average(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("server RSS before the load: {} MiB", mib(rss_before));

    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let deadline = start + args.duration;
    let handles: Vec<_> = (0..args.connections)
        .map(|k| {
            let requests = requests.clone();
            let stop = stop.clone();
            let offset = k * requests.len() / args.connections;
            std::thread::spawn(move || worker(addr, requests, offset, deadline, stop))
        })
        .collect();

    // RSS samples during the load, about ten of them.
    let every = (args.duration / 10).max(Duration::from_millis(500));
    let mut samples = Vec::new();
    let mut next = start + every;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100).min(deadline - Instant::now()));
        if Instant::now() >= next {
            samples.push((
                start.elapsed().as_secs_f64(),
                status_kib(pid, "VmRSS:"),
                status_kib(pid, "Threads:"),
            ));
            next += every;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut tallies = Vec::new();
    for h in handles {
        tallies.push(h.join().map_err(|_| "a load thread panicked")?);
    }
    let elapsed = start.elapsed();
    let rss_after = status_kib(pid, "VmRSS:");
    let server_cpu = cpu_seconds(&pid.to_string())
        .zip(server_cpu_before)
        .map(|(a, b)| (a.0 - b.0, a.1 - b.1));
    let client_cpu = cpu_seconds("self")
        .zip(client_cpu_before)
        .map(|(a, b)| a.0 - b.0 + a.1 - b.1);
    std::thread::sleep(Duration::from_secs(2));
    let rss_idle = status_kib(pid, "VmRSS:");
    let hwm = status_kib(pid, "VmHWM:");
    drop(server);

    let mut lat: Vec<u32> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    lat.sort_unstable();
    let ok = lat.len() as f64;
    let errors_status: u64 = tallies.iter().map(|t| t.errors_status).sum();
    let errors_io: u64 = tallies.iter().map(|t| t.errors_io).sum();
    let reconnects: u64 = tallies.iter().map(|t| t.reconnects).sum();
    let bytes: u64 = tallies.iter().map(|t| t.bytes_in).sum();
    println!(
        "{:.0} requests answered 200 in {:.1} s: {:.0} requests/s; {:.1} MB of responses ({:.1} KB each)",
        ok,
        elapsed.as_secs_f64(),
        ok / elapsed.as_secs_f64(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / ok.max(1.0)
    );
    println!(
        "latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
    println!(
        "errors: {errors_status} non-200 answers, {errors_io} connection errors; {reconnects} reconnects"
    );
    let series: Vec<String> = samples
        .iter()
        .map(|(t, k, threads)| {
            format!(
                "{t:.0}s {} ({} threads)",
                mib(*k),
                threads.map_or_else(|| "?".to_string(), |n| n.to_string())
            )
        })
        .collect();
    println!("server RSS during the load (MiB): {}", series.join(", "));
    if let (Some((user, sys)), Some(client)) = (server_cpu, client_cpu) {
        let server = user + sys;
        println!(
            "CPU during the load: server {:.1} s (user {:.1} s, system {:.1} s; {:.0} µs per request, {:.2} cores), this client {:.1} s ({:.2} cores)",
            server,
            user,
            sys,
            server * 1e6 / ok.max(1.0),
            server / elapsed.as_secs_f64(),
            client,
            client / elapsed.as_secs_f64()
        );
    }
    println!(
        "server RSS after the load: {} MiB (2 s later: {} MiB); peak (VmHWM) {} MiB; load average {}",
        mib(rss_after),
        mib(rss_idle),
        mib(hwm),
        load_average()
    );
    Ok(())
}
