//! The source side: a [`Host`] listens on a URL and remotes [`SourceObject`]s to every node that
//! connects, as a `QRemoteObjectHost` does.
//!
//! On accept a host sends the Handshake and the ObjectList; AddObject is answered with an
//! InitPacket (static) or InitDynamicPacket (dynamic) and makes the connection a listener of the
//! source; Invokes are dispatched to the source's handler (replies for serial ids ≥ 0); every
//! Ping gets a Pong. A connection that sends a malformed frame or a packet a node must not send
//! is closed with a logged reason; the others go on.
//!
//! ```
//! use std::time::Duration;
//! use ifw_qtro::codec::{ClassDefinition, PropertyDef, SignalDef};
//! use ifw_qtro::{Host, Node, ReplicaEvent, SourceObject, Value};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ifw_qtro::Result<()> {
//! // A class with one property and its notify signal.
//! let class = ClassDefinition {
//!     type_name: Some("Counter".into()),
//!     signals: vec![SignalDef {
//!         signature: "countChanged(int)".into(),
//!         parameter_names: vec!["count".into()],
//!     }],
//!     properties: vec![PropertyDef {
//!         name: "count".into(),
//!         type_name: "int".into(),
//!         notify_signature: Some("countChanged(int)".into()),
//!     }],
//!     ..ClassDefinition::default()
//! };
//! let counter = SourceObject::new(class, vec![Value::Int(1)])?;
//! let host = Host::listen("tcp://127.0.0.1:0").await?;
//! host.enable_remoting("Counter", counter.clone()).await?;
//!
//! let node = Node::connect(&host.url().to_string()).await?;
//! let replica = node.acquire_dynamic("Counter");
//! replica.wait_ready(Duration::from_secs(5)).await?;
//! assert_eq!(replica.property("count")?, Value::Int(1));
//!
//! let mut events = replica.subscribe();
//! counter.set("count", 2).await?;
//! let change = events.recv().await;
//! assert!(matches!(change, Some(ReplicaEvent::PropertyChanged { value: Value::Int(2), .. })));
//! node.shutdown().await;
//! host.shutdown().await;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::codec::{TypeRegistry, Value};
use crate::error::{Error, Result};
use crate::frame::{DEFAULT_MAX_FRAME_LENGTH, FrameCodec};
use crate::link::{Outbox, Urgency, lock};
use crate::node::{Node, NodeOptions};
use crate::packet::{Call, Invoke, ObjectInfo, Packet};
use crate::registry::{REGISTRY_NAME, Registration, SourceLocation};
use crate::source::{BoxFuture, Listener, ReplyHook, SourceObject, with_reply_hook};
use crate::transport::Listener as SocketListener;
use crate::url::Url;

/// The in-memory buffer of an in-process connection, each way.
const IN_PROCESS_BUFFER: usize = 64 * 1024;

/// Ids of connections (host and node side), unique in the process.
pub(crate) fn next_connection_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Settings of a [`Host`].
#[derive(Debug, Clone)]
pub struct HostOptions {
    max_frame_length: usize,
    queue_capacity: usize,
    send_timeout: Duration,
    types: TypeRegistry,
    registry: Option<String>,
}

impl Default for HostOptions {
    fn default() -> Self {
        Self {
            max_frame_length: DEFAULT_MAX_FRAME_LENGTH,
            queue_capacity: 1024,
            send_timeout: Duration::from_secs(5),
            types: TypeRegistry::new(),
            registry: None,
        }
    }
}

impl HostOptions {
    /// The largest frame accepted from (and sent to) a node; default 16 MiB.
    pub fn max_frame_length(mut self, max: usize) -> Self {
        self.max_frame_length = max;
        self
    }

    /// Packets queued per connection before the source waits (a property change and its notify
    /// signal, sent as one item, count once); default 1024.
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// How long a full connection queue may hold a source up before that connection is closed;
    /// default 5 s.
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = timeout;
        self
    }

    /// Extra gadget and enum definitions for decoding what nodes send (the remoted sources'
    /// definitions are registered automatically).
    pub fn types(mut self, types: TypeRegistry) -> Self {
        self.types = types;
        self
    }

    /// A registry to register every remoted source with (see [`crate::registry`]).
    pub fn registry(mut self, url: impl Into<String>) -> Self {
        self.registry = Some(url.into());
        self
    }

    pub(crate) fn without_registry(mut self) -> Self {
        self.registry = None;
        self
    }
}

/// A Qt Remote Objects host: listens on a URL and remotes sources.
///
/// Dropping the host stops it: the listener closes and every connection ends. [`shutdown`]
/// does the same and waits until every task it started has ended.
///
/// [`shutdown`]: Host::shutdown
#[derive(Debug)]
pub struct Host {
    shared: Arc<Shared>,
    registration: Option<Registration>,
    cancel: CancellationToken,
    tracker: TaskTracker,
}

/// What a registry host does when a host node's connection drops (Qt's `removeServer`).
pub(crate) type ServerRemoved = Box<dyn Fn(String) -> BoxFuture<'static, ()> + Send + Sync>;

#[derive(Debug)]
struct Shared {
    url: Url,
    options: HostOptions,
    sources: Mutex<Vec<(String, SourceObject)>>,
    types: RwLock<TypeRegistry>,
    connections: Mutex<HashMap<u64, Arc<Outbox>>>,
    /// Per connection, the host URL it first registered with the `Registry` source.
    registered_urls: Mutex<HashMap<u64, String>>,
    server_removed: OnceHook,
}

#[derive(Default)]
struct OnceHook(OnceLock<ServerRemoved>);

impl std::fmt::Debug for OnceHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Some(..)"
        } else {
            "None"
        })
    }
}

impl Shared {
    fn source(&self, name: &str) -> Option<SourceObject> {
        lock(&self.sources)
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
    }

    fn object_list(&self) -> Vec<ObjectInfo> {
        lock(&self.sources)
            .iter()
            .map(|(name, s)| object_info(name, s))
            .collect()
    }

    /// Queues `packet` on every connection (waiting at most the send timeout on each).
    async fn broadcast(&self, packet: Packet) {
        let outboxes: Vec<_> = lock(&self.connections).values().cloned().collect();
        for outbox in outboxes {
            let _ = outbox
                .send(&packet, Urgency::Batched, Some(self.options.send_timeout))
                .await;
        }
    }
}

fn object_info(name: &str, source: &SourceObject) -> ObjectInfo {
    ObjectInfo {
        name: name.to_owned(),
        type_name: source.definition().type_name.clone(),
        signature: source.signature().map(|s| s.as_bytes().to_vec()),
    }
}

impl Host {
    /// Listens on `url` (`tcp://127.0.0.1:0` picks a free port; see [`Host::url`]).
    pub async fn listen(url: &str) -> Result<Self> {
        Self::listen_with(url, HostOptions::default()).await
    }

    /// Listens on `url` with `options`.
    pub async fn listen_with(url: &str, options: HostOptions) -> Result<Self> {
        let url: Url = url.parse()?;
        let listener = SocketListener::bind(&url).await?;
        let shared = Arc::new(Shared {
            url: listener.url().clone(),
            types: RwLock::new(options.types.clone()),
            options,
            sources: Mutex::new(Vec::new()),
            connections: Mutex::new(HashMap::new()),
            registered_urls: Mutex::new(HashMap::new()),
            server_removed: OnceHook::default(),
        });
        let cancel = CancellationToken::new();
        let tracker = TaskTracker::new();
        let span = tracing::info_span!("qtro_host", url = %shared.url);
        // Before the accept loop starts, so that a bad registry URL leaves nothing running.
        let registration = match &shared.options.registry {
            Some(registry) => Some(
                Registration::start(registry, shared.url.to_string(), &tracker, cancel.clone())
                    .instrument(span.clone())
                    .await?,
            ),
            None => None,
        };
        tracker.spawn(
            accept_loop(listener, shared.clone(), cancel.clone(), tracker.clone()).instrument(span),
        );
        Ok(Self {
            shared,
            registration,
            cancel,
            tracker,
        })
    }

    /// The URL the host listens on, with the actual port for `tcp://…:0`.
    pub fn url(&self) -> &Url {
        &self.shared.url
    }

    /// Remotes `source` under `name`. Connected nodes get an ObjectList with the new entry.
    pub async fn enable_remoting(&self, name: &str, source: SourceObject) -> Result<()> {
        {
            let mut sources = lock(&self.shared.sources);
            if sources.iter().any(|(n, _)| n == name) {
                return Err(Error::AlreadyRemoted(name.to_owned()));
            }
            source.definition().register_types(
                &mut self
                    .shared
                    .types
                    .write()
                    .unwrap_or_else(PoisonError::into_inner),
            );
            sources.push((name.to_owned(), source.clone()));
        }
        tracing::debug!(url = %self.shared.url, name, "remoting enabled");
        if let Some(r) = &self.registration {
            r.add(name, source.definition().type_name.clone()).await;
        }
        self.shared
            .broadcast(Packet::ObjectList(vec![object_info(name, &source)]))
            .await;
        Ok(())
    }

    /// Stops remoting `name`: every connected node gets a RemoveObject. `false` if `name` was
    /// not remoted.
    pub async fn disable_remoting(&self, name: &str) -> bool {
        let removed = {
            let mut sources = lock(&self.shared.sources);
            sources
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| sources.remove(i).1)
        };
        let Some(source) = removed else {
            return false;
        };
        let conns: Vec<u64> = lock(&self.shared.connections).keys().copied().collect();
        for conn in conns {
            source.detach(conn, Some(name)).await;
        }
        tracing::debug!(url = %self.shared.url, name, "remoting disabled");
        if let Some(r) = &self.registration {
            r.remove(name).await;
        }
        self.shared
            .broadcast(Packet::RemoveObject {
                name: name.to_owned(),
            })
            .await;
        true
    }

    /// The names of the remoted objects, in the order they were enabled.
    pub fn remoted(&self) -> Vec<String> {
        lock(&self.shared.sources)
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// How many nodes are connected right now.
    pub fn connection_count(&self) -> usize {
        lock(&self.shared.connections).len()
    }

    /// The node connected to the registry, for a host given one.
    pub fn registry_node(&self) -> Option<&crate::Node> {
        self.registration.as_ref().map(Registration::node)
    }

    /// Sets what happens when a connection that registered sources with this host's
    /// `Registry` drops.
    pub(crate) fn on_server_removed(&self, hook: ServerRemoved) {
        let _ = self.shared.server_removed.0.set(hook);
    }

    /// A node connected to this host inside the process, without a socket: each of its
    /// connections is an in-memory stream served like any other (so it sees what remote nodes
    /// push, and they see its writes). It reconnects as a node does while the host runs.
    pub fn in_process_node(&self, options: NodeOptions) -> Node {
        let shared = self.shared.clone();
        let cancel = self.cancel.clone();
        let tracker = self.tracker.clone();
        let open = Arc::new(move || {
            if cancel.is_cancelled() {
                return Err(Error::Closed);
            }
            let (near, far) = tokio::io::duplex(IN_PROCESS_BUFFER);
            let id = next_connection_id();
            let span = tracing::info_span!("qtro_connection", id, in_process = true);
            tracker.spawn(
                serve_connection(far, id, shared.clone(), cancel.child_token()).instrument(span),
            );
            Ok(near)
        });
        Node::in_process(self.shared.url.clone(), options, open)
    }

    /// Stops listening, closes every connection and waits until every task has ended.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        self.tracker.close();
        self.tracker.wait().await;
        if let Some(r) = self.registration.take() {
            r.shutdown().await;
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn accept_loop(
    listener: SocketListener,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    tracker: TaskTracker,
) {
    loop {
        let accepted = tokio::select! {
            () = cancel.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok(stream) => {
                let id = next_connection_id();
                let span = tracing::info_span!("qtro_connection", id);
                tracker.spawn(
                    serve_connection(stream, id, shared.clone(), cancel.child_token())
                        .instrument(span),
                );
            }
            Err(e) => {
                // Out of descriptors and the like: wait a little rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::select! {
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        }
    }
    drop(listener);
}

/// Why a connection ended.
enum End {
    Cancelled,
    PeerClosed,
    Failed(String),
}

async fn serve_connection<S>(stream: S, id: u64, shared: Arc<Shared>, cancel: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    tracing::debug!("node connected");
    // Even if a handler running in this task panics, the flush task and the socket go with it.
    let _closed_on_unwind = cancel.clone().drop_guard();
    let codec = FrameCodec::with_max_frame_length(shared.options.max_frame_length);
    let (rd, wr) = tokio::io::split(stream);
    let mut frames = FramedRead::new(rd, codec);
    let outbox = Outbox::new(wr, codec, shared.options.queue_capacity, cancel.clone());
    let writer = tokio::spawn(outbox.clone().run().in_current_span());
    lock(&shared.connections).insert(id, outbox.clone());
    // The flush task drains the queue, so these never wait long.
    let greeted = outbox
        .send(&Packet::handshake(), Urgency::Batched, None)
        .await
        .is_ok()
        && outbox
            .send(
                &Packet::ObjectList(shared.object_list()),
                Urgency::Batched,
                None,
            )
            .await
            .is_ok();
    if !greeted {
        tracing::debug!("connection closed before the greeting was queued");
    }

    // Calls run in this task while none is in progress; one that has to wait (and every call
    // behind it) runs in the dispatcher, so that Pings are answered meanwhile and calls stay in
    // order.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let (calls, calls_rx) = mpsc::channel(64);
    let dispatcher = tokio::spawn(
        dispatch_loop(
            calls_rx,
            outbox.clone(),
            in_flight.clone(),
            shared.options.send_timeout,
            cancel.clone(),
        )
        .in_current_span(),
    );

    let mut acquired: Vec<(String, SourceObject)> = Vec::new();
    let cancelled = cancel.cancelled();
    tokio::pin!(cancelled);
    let end = loop {
        let next = tokio::select! {
            biased;
            () = &mut cancelled => break End::Cancelled,
            next = frames.next() => next,
        };
        let frame = match next {
            None => break End::PeerClosed,
            Some(Err(e)) => break End::Failed(format!("bad frame: {e}")),
            Some(Ok(frame)) => frame,
        };
        let packet = {
            let types = shared.types.read().unwrap_or_else(PoisonError::into_inner);
            frame.decode(&*types)
        };
        let packet = match packet {
            Ok(p) => p,
            Err(e) => {
                break End::Failed(format!(
                    "undecodable {} packet: {e}",
                    frame.packet_type.name()
                ));
            }
        };
        match packet {
            Packet::Ping { name } => {
                let pong = Packet::Pong { name };
                if outbox.send(&pong, Urgency::Now, None).await.is_err() {
                    break End::Cancelled;
                }
            }
            Packet::AddObject { name, is_dynamic } => {
                let Some(source) = shared.source(&name) else {
                    tracing::warn!(name, "AddObject for an object this host does not remote");
                    continue;
                };
                tracing::debug!(name, is_dynamic, "AddObject");
                let listener = Listener {
                    conn: id,
                    name: name.clone(),
                    outbox: outbox.clone(),
                    close: cancel.clone(),
                    send_timeout: shared.options.send_timeout,
                };
                source.attach(listener, is_dynamic).await;
                if !acquired.iter().any(|(n, _)| *n == name) {
                    acquired.push((name, source));
                }
            }
            Packet::RemoveObject { name } => {
                tracing::debug!(name, "RemoveObject");
                if let Some(i) = acquired.iter().position(|(n, _)| *n == name) {
                    let (name, source) = acquired.swap_remove(i);
                    source.detach(id, Some(&name)).await;
                }
            }
            Packet::Invoke(invoke) => {
                let mut call = dispatch(shared.clone(), id, invoke);
                if in_flight.load(Ordering::Acquire) == 0 {
                    // Most calls finish at once: reply without a hop through the dispatcher.
                    let polled =
                        std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
                    if let Poll::Ready(reply) = polled {
                        if let Some((packet, sent)) = reply {
                            let result = outbox
                                .send(&packet, Urgency::Now, Some(shared.options.send_timeout))
                                .await;
                            notify_sent(sent);
                            if result.is_err() {
                                break End::Cancelled;
                            }
                        }
                        continue;
                    }
                }
                in_flight.fetch_add(1, Ordering::AcqRel);
                let sent = tokio::select! {
                    biased;
                    () = &mut cancelled => break End::Cancelled,
                    sent = calls.send(call) => sent,
                };
                if sent.is_err() {
                    break End::Cancelled;
                }
            }
            other => {
                break End::Failed(format!(
                    "a node must not send {}",
                    other.packet_type().name()
                ));
            }
        }
    };
    match &end {
        End::Cancelled => tracing::debug!("connection closed by the host"),
        End::PeerClosed => tracing::debug!("node disconnected"),
        End::Failed(reason) => tracing::warn!(reason, "closing the connection"),
    }
    cancel.cancel();
    lock(&shared.connections).remove(&id);
    for (name, source) in acquired {
        source.detach(id, Some(&name)).await;
    }
    drop(calls);
    let _ = dispatcher.await;
    let _ = writer.await;
    outbox.close();
    let registered = lock(&shared.registered_urls).remove(&id);
    if let (Some(url), Some(hook)) = (registered, shared.server_removed.0.get()) {
        tracing::debug!(url, "a registered host disconnected");
        hook(url).await;
    }
}

/// A call being handled: it resolves to the InvokeReply to send, if one is wanted, and to the
/// handler's wish to hear when it was queued ([`reply_queued`](crate::source::reply_queued)).
type PendingCall = BoxFuture<'static, Option<(Packet, ReplyHook)>>;

/// Tells a handler that asked for it that the reply of its call is queued on the connection.
fn notify_sent(hook: ReplyHook) {
    if let Some(tx) = hook {
        // The handler's waiter may be gone; then nobody needs to know.
        let _ = tx.send(());
    }
}

/// Finishes the calls and property writes that could not finish in the connection task, one
/// after the other.
async fn dispatch_loop(
    mut calls: mpsc::Receiver<PendingCall>,
    outbox: Arc<Outbox>,
    in_flight: Arc<AtomicUsize>,
    send_timeout: Duration,
    cancel: CancellationToken,
) {
    let cancelled = cancel.cancelled();
    tokio::pin!(cancelled);
    loop {
        let call = tokio::select! {
            biased;
            () = &mut cancelled => break,
            c = calls.recv() => c,
        };
        let Some(call) = call else { break };
        let done = tokio::select! {
            biased;
            () = &mut cancelled => break,
            reply = call => reply,
        };
        let sent = match done {
            Some((packet, sent)) => {
                let result = outbox.send(&packet, Urgency::Now, Some(send_timeout)).await;
                notify_sent(sent);
                result.is_ok()
            }
            None => true,
        };
        in_flight.fetch_sub(1, Ordering::AcqRel);
        if !sent {
            break;
        }
    }
}

/// Handles one Invoke; resolves to the InvokeReply to send, if one is wanted.
fn dispatch(shared: Arc<Shared>, conn: u64, invoke: Invoke) -> PendingCall {
    Box::pin(async move {
        let Invoke {
            name,
            call,
            index,
            args,
            serial_id,
            ..
        } = invoke;
        if name == REGISTRY_NAME
            && let Some(location) = args.first().and_then(SourceLocation::from_value)
        {
            lock(&shared.registered_urls)
                .entry(conn)
                .or_insert(location.host_url);
        }
        let Some(source) = shared.source(&name) else {
            tracing::warn!(name, "Invoke for an object this host does not remote");
            return reply(name, serial_id, Value::Invalid).map(|p| (p, None));
        };
        match call {
            Call::InvokeMetaMethod => {
                let (value, hook) = with_reply_hook(source.handle_call(index, args)).await;
                match value {
                    Some(value) => reply(name, serial_id, value).map(|p| (p, hook)),
                    None => {
                        tracing::warn!(name, index, "Invoke of an unknown method index");
                        reply(name, serial_id, Value::Invalid).map(|p| (p, hook))
                    }
                }
            }
            Call::WriteProperty => {
                if !source.handle_write(index, args).await {
                    tracing::warn!(name, index, "WriteProperty of an unknown property index");
                }
                None
            }
            Call::Other(c) => {
                tracing::warn!(name, call = c, "Invoke with an unsupported call type");
                None
            }
        }
    })
}

fn reply(name: String, serial_id: i32, value: Value) -> Option<Packet> {
    (serial_id >= 0).then_some(Packet::InvokeReply {
        name,
        acked_serial_id: serial_id,
        value,
    })
}
