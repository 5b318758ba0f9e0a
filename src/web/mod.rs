//! The web face of a workshop (`vignette serve`): each group answers on its
//! own device while the facilitator paces the stages from a dashboard.
//!
//! Groups open their page with a join code ([`crate::session::join`]); the
//! page shows the group's vignettes in design order with the stages
//! revealed so far, and saves answers as the group types. The facilitator's
//! dashboard (behind a token made at start) reveals, locks and closes, and
//! its projector page shows the address and how to join. Every answer goes
//! through the same checks and store calls as the terminal and files
//! (source `web`) and is acknowledged only once it is committed; stages are
//! paced through the same `revealed` counter as the terminal runner, so
//! both can pace one session. Pages learn of changes through server-sent
//! events; a watcher notices changes made by other processes.
//!
//! Pages are minijinja templates with autoescape and strict undefined
//! variables; answers and labels are only ever data. Styles and the one
//! script are embedded; nothing is loaded from elsewhere. The words of the
//! pages are in `words`, per language. Security checks (cookies, the form
//! token, the origin, rate limits, body limits) are in `guard`.
//!
//! Not for the terminal: the command line binds, prints the addresses and
//! calls [`Server::run`].

mod guard;
mod pages;
mod routes;
pub mod words;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{broadcast, watch};

use crate::session::{self, Session, SessionError, join};
use crate::store::{Store, StoreError};

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no open session to serve in this database")]
    NothingToServe,
    #[error("session `{0}` is closed")]
    Closed(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: any free port).
    pub addr: SocketAddr,
    /// The sessions to serve; empty: every open session.
    pub sessions: Vec<String>,
    /// The host people type to reach the server, when it is not the address
    /// listened on (e.g. the machine's address on the local network when
    /// listening on 0.0.0.0).
    pub public_host: Option<String>,
}

/// A session being served and its groups' join codes (as shown).
#[derive(Debug, Clone)]
pub struct Served {
    pub id: String,
    pub site: String,
    pub language: String,
    /// (group, code as shown).
    pub codes: Vec<(String, String)>,
}

/// A server bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    app: Arc<App>,
}

/// What every request shares.
pub(crate) struct App {
    store: Mutex<Store>,
    sessions: BTreeMap<String, Session>,
    token: String,
    secret: String,
    address: String,
    env: minijinja::Environment<'static>,
    changes: broadcast::Sender<String>,
    stopping: watch::Receiver<bool>,
    stop: watch::Sender<bool>,
    guard: guard::Limits,
}

impl App {
    /// The store, also when another request panicked while holding it (the
    /// store's own transactions keep it consistent).
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn words(&self, session: &str) -> &'static words::Words {
        words::words(
            self.sessions
                .get(session)
                .map_or("nb", |s| s.record.language.as_str()),
        )
    }

    /// The language of the page before a group is known: the served
    /// sessions' if they share one, else bokmål.
    fn default_words(&self) -> &'static words::Words {
        let mut languages = self.sessions.values().map(|s| s.record.language.as_str());
        let first = languages.next().unwrap_or("nb");
        if languages.all(|l| l == first) {
            words::words(first)
        } else {
            words::words("nb")
        }
    }

    /// Tells every page of `session` that something changed.
    fn changed(&self, session: &str) {
        let _ = self.changes.send(session.to_string());
    }
}

impl Server {
    /// Opens the sessions to serve (giving groups without a join code one)
    /// and binds the address.
    pub fn bind(mut store: Store, options: Options) -> Result<Server, WebError> {
        let ids: Vec<String> = if options.sessions.is_empty() {
            store
                .sessions()?
                .into_iter()
                .filter(|s| s.closed_at.is_none())
                .map(|s| s.id)
                .collect()
        } else {
            options.sessions.clone()
        };
        if ids.is_empty() {
            return Err(WebError::NothingToServe);
        }
        let mut sessions = BTreeMap::new();
        for id in ids {
            let loaded = session::load(&store, &id)?;
            if loaded.record.closed_at.is_some() {
                return Err(WebError::Closed(id));
            }
            join::codes(&mut store, &id)?;
            sessions.insert(id, loaded);
        }
        let listener = TcpListener::bind(options.addr).map_err(|source| WebError::Bind {
            addr: options.addr,
            source,
        })?;
        let local = listener.local_addr()?;
        let host = match &options.public_host {
            Some(host) => host.clone(),
            None => local.ip().to_string(),
        };
        let address = if local.port() == 80 {
            format!("http://{host}/")
        } else {
            format!("http://{host}:{}/", local.port())
        };
        let (changes, _) = broadcast::channel(64);
        let (stop, stopping) = watch::channel(false);
        let app = App {
            store: Mutex::new(store),
            sessions,
            token: join::random_text(26)?,
            secret: join::random_text(26)?,
            address,
            env: pages::environment(),
            changes,
            stopping,
            stop,
            guard: guard::Limits::default(),
        };
        Ok(Server {
            listener,
            app: Arc::new(app),
        })
    }

    /// The address listened on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address people type (`http://192.168.1.20:8080/`).
    pub fn address(&self) -> &str {
        &self.app.address
    }

    /// The facilitator's link: opens the dashboard on this device.
    pub fn facilitator_url(&self) -> String {
        format!("{}f/{}", self.app.address, self.app.token)
    }

    /// The sessions served, with their join codes.
    pub fn served(&self) -> Result<Vec<Served>, WebError> {
        let store = self.app.store();
        self.app
            .sessions
            .values()
            .map(|s| {
                let codes = store
                    .join_codes(&s.record.id)?
                    .into_iter()
                    .map(|c| (c.group, join::display(&c.code)))
                    .collect();
                Ok(Served {
                    id: s.record.id.clone(),
                    site: s.record.site.clone(),
                    language: s.record.language.clone(),
                    codes,
                })
            })
            .collect()
    }

    /// Serves until `stop` completes, then finishes the requests under way
    /// and returns. Every answer acknowledged before is committed.
    pub fn run(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), WebError> {
        // Store calls take turns on one connection: a few blocking threads
        // serve them all (each thread more costs memory, not speed).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(4)
            .enable_all()
            .build()?;
        runtime.block_on(self.run_async(stop))
    }

    async fn run_async(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), WebError> {
        self.listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(self.listener)?;
        let app = self.app;
        tokio::spawn(routes::watch(app.clone()));
        let router = routes::router(app.clone());
        let stopper = app.clone();
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stop.await;
            // Ends the event streams, which would keep their connections open.
            let _ = stopper.stop.send(true);
        })
        .await?;
        Ok(())
    }
}
