//! `vignette serve`: the groups' pages and the facilitator's dashboard.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::process::ExitCode;

use vignette::web::{Options, Server, WebError};

use crate::cli::{Context, Failure, Outcome};

/// Let groups answer on their own phones or laptops while you pace the
/// stages from a dashboard.
///
/// Serves every open session in the database (or the ones named). Each
/// group opens the address, types its join code and answers; answers are
/// saved as they type, checked as `session answer` checks them, and kept
/// with source `web`. The facilitator's link printed at start opens the
/// dashboard (reveal the next stage to all or one group, lock, close) and
/// the projector page (address, QR code, how to join). Listens on this
/// machine only unless --lan or --addr says otherwise. Ctrl-C stops it.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  vignette serve                      # this machine only: http://127.0.0.1:8080/\n  \
    vignette serve --lan                # the local network, with the address to type and a QR code\n  \
    vignette serve bodo-kommune-baseline --addr 0.0.0.0:9000"
)]
pub struct Args {
    /// Sessions to serve (default: every open session in the database).
    sessions: Vec<String>,
    /// Listen on HOST:PORT (port 0: any free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// Open to the local network (listen on every address, at the port of
    /// --addr) and print the address people type, with a QR code.
    #[arg(long)]
    lan: bool,
}

pub fn run(cx: &Context, args: &Args) -> Outcome {
    let mut addr: SocketAddr = args.addr.parse().map_err(|_| {
        Failure::usage(format!(
            "--addr: expected HOST:PORT, e.g. 127.0.0.1:8080; got `{}`",
            args.addr
        ))
    })?;
    if args.lan {
        addr.set_ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    }
    let public_host = addr.ip().is_unspecified().then(lan_address).flatten();
    let store = cx.store()?;
    let options = Options {
        addr,
        sessions: args.sessions.clone(),
        public_host: public_host.map(|ip| ip.to_string()),
    };
    let server = Server::bind(store, options).map_err(|e| failure(e, cx))?;
    println!("listening on {} (Ctrl-C stops)", server.address());
    for served in server.served().map_err(|e| failure(e, cx))? {
        println!(
            "session {} ({}, language {}): join codes",
            served.id, served.site, served.language
        );
        for (group, code) in &served.codes {
            println!("  {group:<12} {code}");
        }
    }
    println!(
        "facilitator: {} (open it on your own device only; it shows the dashboard and the projector page)",
        server.facilitator_url()
    );
    if !addr.ip().is_loopback() {
        println!("groups go to {}", server.address());
        if let Ok(code) = qrcode::QrCode::new(server.address().as_bytes()) {
            println!(
                "{}",
                code.render::<qrcode::render::unicode::Dense1x2>()
                    .quiet_zone(true)
                    .build()
            );
        }
    }
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .map_err(|e| failure(e, cx))?;
    println!("stopped; every saved answer is in {}", cx.db.display());
    Ok(ExitCode::SUCCESS)
}

fn failure(e: WebError, cx: &Context) -> Failure {
    match e {
        WebError::Session(e) => e.into(),
        WebError::Store(e) => e.into(),
        WebError::NothingToServe => Failure::usage(format!(
            "no open session to serve in {}",
            cx.db.display()
        ))
        .hint("create one with `vignette session new`, or reopen one with `vignette session reopen`"),
        WebError::Closed(id) => Failure::usage(format!("session {id} is closed"))
            .hint(format!("`vignette session reopen {id} --reason …` opens it again")),
        e @ WebError::Bind { .. } => Failure::usage(e.to_string())
            .hint("another program may be using the port; try another with --addr, e.g. --addr 127.0.0.1:8081"),
        e => Failure::internal(e.to_string()),
    }
}

/// This machine's address on the local network: the one it would send from
/// (no packet is sent).
fn lan_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}
