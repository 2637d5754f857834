//! The replica side: a [`Node`] connects to a host URL, keeps the connection up and serves
//! [`Replica`]s, as a `QRemoteObjectNode` with `connectToNode` does.
//!
//! The node checks the host's Handshake, tracks its ObjectList, sends AddObject for every
//! acquired object the host remotes (after comparing repc signatures for static replicas),
//! routes PropertyChange, Invoke (signals) and InvokeReply packets to the replicas, sends
//! heartbeat Pings, and after a lost link reconnects every retry interval (250 ms by default),
//! re-acquires and re-syncs everything. Pending calls fail with [`Error::Disconnected`] when the
//! link drops.
//!
//! A call (or property write) is written to the socket by the calling task itself when nothing
//! else is being written, so a round trip has no hop through a writer task; the rest goes
//! through the connection's flush task, which batches. A node for a host in the same process,
//! connected through an in-memory stream instead of a socket, comes from
//! [`Host::in_process_node`](crate::Host::in_process_node).
//!
//! Decoding needs every user type a value carries. Dynamic replicas learn gadgets and enums from
//! the InitDynamicPacket, static ones from the definition given to [`Node::acquire`]. Qt 6.4
//! leaves gadgets that a class only uses inside containers (`QList<Point>`) out of its dynamic
//! definition; register those in [`NodeOptions::types`]. A packet that cannot be decoded is
//! skipped with a warning (the framing stays intact); a malformed frame drops the link.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream};
use tokio::sync::watch;
use tokio::time::{Instant, Interval};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::codec::{ByteOrder, ClassDefinition, Reader, TypeRegistry, read_variant};
use crate::error::{Error, Result};
use crate::frame::{DEFAULT_MAX_FRAME_LENGTH, Frame, FrameCodec};
use crate::host::next_connection_id;
use crate::link::{Outbox, Refused, Urgency, lock};
use crate::packet::{Call, ObjectInfo, Packet, PacketType, read_values};
use crate::replica::{
    Expected, NodeLink, Replica, ReplicaEvent, ReplicaInner, ReplicaSettings, ReplicaState,
};
use crate::transport::connect;
use crate::url::Url;

/// Settings of a [`Node`].
#[derive(Debug, Clone)]
pub struct NodeOptions {
    retry_interval: Duration,
    heartbeat_interval: Option<Duration>,
    connect_timeout: Duration,
    call_timeout: Duration,
    subscriber_timeout: Duration,
    event_capacity: usize,
    queue_capacity: usize,
    max_frame_length: usize,
    types: TypeRegistry,
}

impl Default for NodeOptions {
    fn default() -> Self {
        Self {
            retry_interval: Duration::from_millis(250),
            heartbeat_interval: Some(Duration::from_secs(5)),
            connect_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(10),
            subscriber_timeout: Duration::from_secs(2),
            event_capacity: 256,
            queue_capacity: 1024,
            max_frame_length: DEFAULT_MAX_FRAME_LENGTH,
            types: TypeRegistry::new(),
        }
    }
}

impl NodeOptions {
    /// The pause between connection attempts; default 250 ms, as Qt's `retryInterval`.
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// The heartbeat: a Ping every `interval`; a link with no Pong (nor any other packet) by the
    /// next tick is dropped and reconnected. `None` turns it off. Default 5 s.
    pub fn heartbeat_interval(mut self, interval: Option<Duration>) -> Self {
        self.heartbeat_interval = interval.filter(|i| !i.is_zero());
        self
    }

    /// The bound on one connection attempt and on waiting for the Handshake; default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The bound on waiting for a call's reply; default 10 s.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// How long a subscriber whose event queue is full may hold the connection up before it is
    /// dropped; default 2 s (below a host's 5 s send timeout, so that the subscriber goes
    /// before the host gives up on the whole connection).
    pub fn subscriber_timeout(mut self, timeout: Duration) -> Self {
        self.subscriber_timeout = timeout;
        self
    }

    /// Events buffered per subscriber; default 256.
    pub fn event_capacity(mut self, capacity: usize) -> Self {
        self.event_capacity = capacity.max(1);
        self
    }

    /// The largest frame accepted from (and sent to) the host; default 16 MiB.
    pub fn max_frame_length(mut self, max: usize) -> Self {
        self.max_frame_length = max;
        self
    }

    /// Gadget and enum definitions for decoding what the host sends to static replicas (the
    /// definitions given to [`Node::acquire`] and received by dynamic ones are added
    /// automatically).
    pub fn types(mut self, types: TypeRegistry) -> Self {
        self.types = types;
        self
    }
}

/// A node connected (and reconnecting) to one host URL.
///
/// Dropping the node stops its connection task; [`shutdown`](Node::shutdown) also waits for it.
#[derive(Debug)]
pub struct Node {
    shared: Arc<Shared>,
    cancel: CancellationToken,
    tracker: TaskTracker,
}

#[derive(Debug)]
struct Shared {
    url: Url,
    connector: Connector,
    options: NodeOptions,
    link: Arc<NodeLink>,
    replicas: Mutex<HashMap<String, Weak<ReplicaInner>>>,
    objects: watch::Sender<Vec<ObjectInfo>>,
    connected: watch::Sender<bool>,
    types: RwLock<TypeRegistry>,
}

/// Opens an in-memory connection to a host in this process (see [`Host::in_process_node`]).
///
/// [`Host::in_process_node`]: crate::Host::in_process_node
pub(crate) type InProcessConnect = Arc<dyn Fn() -> Result<DuplexStream> + Send + Sync>;

/// How a node reaches its host.
enum Connector {
    /// A socket at the node's URL.
    Socket,
    /// An in-memory stream to a host in the same process.
    InProcess(InProcessConnect),
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Socket => "Socket",
            Self::InProcess(_) => "InProcess",
        })
    }
}

/// A connection as the connector made it.
enum Connection {
    Socket(crate::transport::Stream),
    InProcess(DuplexStream),
}

impl Shared {
    async fn connect(&self) -> Result<Connection> {
        match &self.connector {
            Connector::Socket => connect(&self.url).await.map(Connection::Socket),
            Connector::InProcess(open) => open().map(Connection::InProcess),
        }
    }

    fn replica(&self, name: &str) -> Option<Arc<ReplicaInner>> {
        lock(&self.replicas).get(name).and_then(Weak::upgrade)
    }

    fn live_replicas(&self) -> Vec<Arc<ReplicaInner>> {
        lock(&self.replicas)
            .values()
            .filter_map(Weak::upgrade)
            .collect()
    }
}

impl Node {
    /// Starts connecting to `url`; returns at once (replicas become ready when the host is
    /// there). Must run inside a Tokio runtime.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, NodeOptions::default()).await
    }

    /// Starts connecting to `url` with `options`.
    pub async fn connect_with(url: &str, options: NodeOptions) -> Result<Self> {
        Ok(Self::start(url.parse()?, Connector::Socket, options))
    }

    /// A node whose connections `open` makes in memory; `url` is its host's, for logs.
    pub(crate) fn in_process(url: Url, options: NodeOptions, open: InProcessConnect) -> Self {
        Self::start(url, Connector::InProcess(open), options)
    }

    fn start(url: Url, connector: Connector, options: NodeOptions) -> Self {
        let shared = Arc::new(Shared {
            url,
            connector,
            types: RwLock::new(options.types.clone()),
            options,
            link: Arc::new(NodeLink::default()),
            replicas: Mutex::new(HashMap::new()),
            objects: watch::Sender::new(Vec::new()),
            connected: watch::Sender::new(false),
        });
        let cancel = CancellationToken::new();
        let tracker = TaskTracker::new();
        let span = tracing::info_span!("qtro_node", url = %shared.url);
        tracker.spawn(link_loop(shared.clone(), cancel.clone()).instrument(span));
        Self {
            shared,
            cancel,
            tracker,
        }
    }

    /// The host URL.
    pub fn url(&self) -> &Url {
        &self.shared.url
    }

    /// Whether a connection to the host is up (Handshake received).
    pub fn is_connected(&self) -> bool {
        *self.shared.connected.borrow()
    }

    /// Waits until the node is connected, at most `timeout`.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<()> {
        let mut rx = self.shared.connected.subscribe();
        match tokio::time::timeout(timeout, rx.wait_for(|c| *c)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => Err(Error::Timeout("the connection to the host")),
        }
    }

    /// The objects the host remotes, as its ObjectLists announced them (empty while
    /// disconnected).
    pub fn objects(&self) -> Vec<ObjectInfo> {
        self.shared.objects.borrow().clone()
    }

    /// A receiver of changes to [`objects`](Self::objects).
    pub fn object_changes(&self) -> watch::Receiver<Vec<ObjectInfo>> {
        self.shared.objects.subscribe()
    }

    /// Acquires `name` statically: the class (in the source's index layout) is known here, and
    /// `signature` (repc's SHA1, if any) must match the host's unless either is empty.
    /// Acquiring a name this node already holds returns the same replica.
    pub fn acquire(
        &self,
        name: &str,
        definition: ClassDefinition,
        signature: Option<&str>,
    ) -> Replica {
        definition.register_types(
            &mut self
                .shared
                .types
                .write()
                .unwrap_or_else(PoisonError::into_inner),
        );
        self.acquire_inner(
            name,
            Some(Expected {
                definition: Arc::new(definition),
                signature: signature.map(str::to_owned),
            }),
        )
    }

    /// Acquires `name` dynamically: the class comes from the host in the InitDynamicPacket.
    pub fn acquire_dynamic(&self, name: &str) -> Replica {
        self.acquire_inner(name, None)
    }

    fn acquire_inner(&self, name: &str, expected: Option<Expected>) -> Replica {
        let mut replicas = lock(&self.shared.replicas);
        if let Some(inner) = replicas.get(name).and_then(Weak::upgrade) {
            return Replica { inner };
        }
        let settings = ReplicaSettings {
            call_timeout: self.shared.options.call_timeout,
            event_capacity: self.shared.options.event_capacity,
        };
        let inner = Arc::new(ReplicaInner::new(
            name,
            expected,
            self.shared.link.clone(),
            settings,
        ));
        replicas.insert(name.to_owned(), Arc::downgrade(&inner));
        drop(replicas);
        self.shared.link.reconcile.notify_one();
        Replica { inner }
    }

    /// Moves `replica` (acquired from `from`) to this node: `from` releases it, this node
    /// acquires it and re-initializes it from its host (reporting the values that differ).
    pub(crate) fn adopt(&self, replica: &Replica, from: &Node) {
        let inner = &replica.inner;
        if inner.is_served_by(&self.shared.link) {
            return;
        }
        if let Some(expected) = &inner.expected {
            expected.definition.register_types(
                &mut self
                    .shared
                    .types
                    .write()
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
        {
            let mut replicas = lock(&from.shared.replicas);
            if replicas
                .get(&inner.name)
                .is_some_and(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(inner)))
            {
                replicas.remove(&inner.name);
            }
        }
        let previous = inner.relink(self.shared.link.clone());
        previous.reconcile.notify_one();
        lock(&self.shared.replicas).insert(inner.name.clone(), Arc::downgrade(inner));
        tracing::debug!(name = %inner.name, url = %self.shared.url, "replica moved to another host");
        self.shared.link.reconcile.notify_one();
    }

    /// Whether this node serves `replica`.
    pub(crate) fn serves(&self, replica: &Replica) -> bool {
        replica.inner.is_served_by(&self.shared.link)
    }

    /// Disconnects, stops reconnecting and waits until the connection task has ended. Replicas
    /// become [`Disconnected`](ReplicaState::Disconnected) and their calls fail.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Connects, runs a session, and reconnects until cancelled.
async fn link_loop(shared: Arc<Shared>, cancel: CancellationToken) {
    let mut failures = 0u32;
    let mut last_reason = String::new();
    loop {
        let attempt = tokio::select! {
            () = cancel.cancelled() => break,
            a = tokio::time::timeout(shared.options.connect_timeout, shared.connect()) => a,
        };
        match attempt {
            Ok(Ok(stream)) => {
                failures = 0;
                let span = tracing::info_span!("qtro_connection", id = next_connection_id());
                let end = match stream {
                    Connection::Socket(s) => {
                        run_session(&shared, s, &cancel).instrument(span).await
                    }
                    Connection::InProcess(s) => {
                        run_session(&shared, s, &cancel).instrument(span).await
                    }
                };
                match end {
                    End::Cancelled => tracing::debug!("disconnected by the node"),
                    End::PeerClosed => {
                        tracing::info!("the host closed the connection");
                        last_reason.clear();
                    }
                    // A host that keeps failing the same way is reported once.
                    End::Failed(reason) if reason == last_reason => {
                        tracing::debug!(reason, "connection dropped again");
                    }
                    End::Failed(reason) => {
                        tracing::warn!(reason, "connection dropped");
                        last_reason = reason;
                    }
                }
                for r in shared.live_replicas() {
                    r.lost();
                }
            }
            Ok(Err(e)) => {
                failures += 1;
                // The first failure is worth a line; a host that stays away is not.
                if failures == 1 {
                    tracing::info!(error = %e, "cannot connect; retrying");
                } else {
                    tracing::trace!(error = %e, "cannot connect; retrying");
                }
            }
            Err(_) => tracing::info!("connection attempt timed out; retrying"),
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(shared.options.retry_interval) => {}
        }
    }
    for r in shared.live_replicas() {
        r.lost();
    }
}

/// Why a session ended.
enum End {
    Cancelled,
    PeerClosed,
    Failed(String),
}

/// One connection's state.
struct Session {
    outbox: Arc<Outbox>,
    /// Objects AddObject was sent for, with the replica it was sent for.
    acquired: HashMap<String, Weak<ReplicaInner>>,
    /// The last object a PropertyChange or signal was routed to: its name as the wire spells it
    /// (UTF-16LE) and its entry of `acquired`; cleared whenever `acquired` changes.
    last_target: Option<(Vec<u8>, Weak<ReplicaInner>)>,
}

/// Bytes read from the socket at a time.
const READ_BUFFER: usize = 64 * 1024;
/// Frames handled per wake-up of the connection task before it looks at its other work.
const FRAMES_PER_WAKE: usize = 256;

async fn run_session<S>(shared: &Arc<Shared>, stream: S, cancel: &CancellationToken) -> End
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let codec = FrameCodec::with_max_frame_length(shared.options.max_frame_length);
    let (rd, wr) = tokio::io::split(stream);
    let mut frames = FramedRead::with_capacity(rd, codec, READ_BUFFER);
    let first = tokio::select! {
        () = cancel.cancelled() => return End::Cancelled,
        f = tokio::time::timeout(shared.options.connect_timeout, frames.next()) => f,
    };
    let frame = match first {
        Err(_) => return End::Failed("no Handshake from the host in time".into()),
        Ok(None) => return End::PeerClosed,
        Ok(Some(Err(e))) => return End::Failed(format!("bad frame: {e}")),
        Ok(Some(Ok(frame))) => frame,
    };
    if let Err(e) = frame
        .decode(&TypeRegistry::new())
        .and_then(|p| p.check_handshake())
    {
        return End::Failed(e.to_string());
    }

    let session_cancel = cancel.child_token();
    let outbox = Outbox::new(
        wr,
        codec,
        shared.options.queue_capacity,
        session_cancel.clone(),
    );
    let writer = tokio::spawn(outbox.clone().run().in_current_span());
    *lock(&shared.link.outbox) = Some(outbox.clone());
    shared.connected.send_replace(true);
    tracing::debug!("connected");

    let mut session = Session {
        outbox,
        acquired: HashMap::new(),
        last_target: None,
    };
    let mut heartbeat = shared.options.heartbeat_interval.map(|i| {
        let mut interval = tokio::time::interval_at(Instant::now() + i, i);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    });
    let mut awaiting_pong = false;
    let mut traffic = false;
    // Made once, not on every turn of the loop: each registers with a wait list.
    let cancelled = session_cancel.cancelled();
    tokio::pin!(cancelled);
    let reconcile = shared.link.reconcile.notified();
    tokio::pin!(reconcile);
    let end = loop {
        tokio::select! {
            biased;
            () = &mut cancelled => break End::Cancelled,
            () = reconcile.as_mut() => {
                reconcile.set(shared.link.reconcile.notified());
                if !session.reconcile(shared).await {
                    break End::Cancelled;
                }
            }
            () = tick(&mut heartbeat) => {
                if awaiting_pong && !traffic {
                    break End::Failed("no Pong within the heartbeat interval".into());
                }
                awaiting_pong = true;
                traffic = false;
                let name = session.acquired.keys().next().cloned().unwrap_or_default();
                if !session.send(Packet::Ping { name }).await {
                    break End::Cancelled;
                }
            }
            next = frames.next() => {
                // What is already buffered is handled in one go.
                let mut next = next;
                let mut handled = 0;
                let end = loop {
                    let frame = match next {
                        None => break Some(End::PeerClosed),
                        Some(Err(e)) => break Some(End::Failed(format!("bad frame: {e}"))),
                        Some(Ok(frame)) => frame,
                    };
                    traffic = true;
                    if !session.handle_frame(shared, &frame, &mut awaiting_pong).await {
                        break Some(End::Cancelled);
                    }
                    handled += 1;
                    if handled == FRAMES_PER_WAKE {
                        break None;
                    }
                    match frames.next().now_or_never() {
                        Some(n) => next = n,
                        None => break None,
                    }
                };
                if let Some(end) = end {
                    break end;
                }
            }
        }
    };
    *lock(&shared.link.outbox) = None;
    shared.connected.send_replace(false);
    // The next host announces its own list.
    shared.objects.send_replace(Vec::new());
    session_cancel.cancel();
    drop(session);
    let _ = writer.await;
    end
}

async fn tick(interval: &mut Option<Interval>) {
    match interval {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

impl Session {
    /// Handles one frame from the host; `false` when the connection is gone.
    async fn handle_frame(
        &mut self,
        shared: &Shared,
        frame: &Frame,
        awaiting_pong: &mut bool,
    ) -> bool {
        if matches!(
            frame.packet_type,
            PacketType::PropertyChangePacket | PacketType::InvokePacket
        ) && let Some(alive) = self.handle_update(shared, frame).await
        {
            return alive;
        }
        if frame.packet_type == PacketType::InvokeReplyPacket && self.handle_reply(shared, frame) {
            return true;
        }
        let packet = {
            let types = shared.types.read().unwrap_or_else(PoisonError::into_inner);
            frame.decode(&*types)
        };
        match packet {
            Ok(Packet::Pong { .. }) => *awaiting_pong = false,
            Ok(packet) => return self.handle(shared, packet).await,
            // Framing is intact, so one packet can be skipped.
            Err(e) => tracing::warn!(
                packet = frame.packet_type.name(),
                error = %e,
                "undecodable packet skipped"
            ),
        }
        true
    }

    /// The fast path of a PropertyChange or Invoke for an acquired object: the
    /// name is compared as it is on the wire, and a notify signal's arguments (a copy of the
    /// value its PropertyChange carried) are not decoded. `None` leaves the frame to the general
    /// path (another object, or something to report).
    async fn handle_update(&mut self, shared: &Shared, frame: &Frame) -> Option<bool> {
        let body = &frame.body[..];
        let mut r = Reader::new(body, ByteOrder::Little);
        let wire_name = r.byte_array().ok()??;
        let replica = self.target(shared, wire_name)?;
        let event = match frame.packet_type {
            PacketType::PropertyChangePacket => {
                let index = r.i32().ok()?;
                let value = {
                    let types = shared.types.read().unwrap_or_else(PoisonError::into_inner);
                    read_variant(&mut r, &*types).ok()?
                };
                r.finish(frame.packet_type.name()).ok()?;
                replica.apply_change(index, value)?
            }
            _ => {
                let call = Call::from_i32(r.i32().ok()?);
                let index = r.i32().ok()?;
                // The body ends with the serial id and the property index.
                let tail = body.len().checked_sub(4)?;
                if r.remaining() < 8 {
                    return None;
                }
                let property_index = i32::from_le_bytes(body[tail..].try_into().ok()?);
                // A notify signal follows its PropertyChange, which was reported already.
                if call != Call::InvokeMetaMethod || property_index >= 0 {
                    return Some(true);
                }
                let args = {
                    let types = shared.types.read().unwrap_or_else(PoisonError::into_inner);
                    read_values(&mut r, &*types).ok()?
                };
                r.i32().ok()?;
                r.i32().ok()?;
                r.finish(frame.packet_type.name()).ok()?;
                replica.signal(index, args)?
            }
        };
        deliver(shared, &replica, vec![event]).await;
        Some(true)
    }

    /// The fast path of an InvokeReply for an acquired object (no name decoding, no lookup by
    /// name); `false` leaves the frame to the general path.
    fn handle_reply(&mut self, shared: &Shared, frame: &Frame) -> bool {
        let mut r = Reader::new(&frame.body, ByteOrder::Little);
        let Ok(Some(wire_name)) = r.byte_array() else {
            return false;
        };
        let Some(replica) = self.target(shared, wire_name) else {
            return false;
        };
        let Ok(serial) = r.i32() else {
            return false;
        };
        let value = {
            let types = shared.types.read().unwrap_or_else(PoisonError::into_inner);
            read_variant(&mut r, &*types)
        };
        match value.and_then(|v| r.finish(frame.packet_type.name()).map(|()| v)) {
            Ok(value) => {
                replica.complete(serial, value);
                true
            }
            Err(_) => false,
        }
    }

    /// The acquired replica named `wire_name` (a `QString`'s UTF-16LE bytes), remembered
    /// between packets.
    fn target(&mut self, shared: &Shared, wire_name: &[u8]) -> Option<Arc<ReplicaInner>> {
        if let Some((name, weak)) = &self.last_target
            && name[..] == *wire_name
        {
            return weak.upgrade();
        }
        if !wire_name.len().is_multiple_of(2) {
            return None;
        }
        let units = wire_name
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let name = char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()?;
        let replica = self.acquired_replica(shared, &name)?;
        let weak = self.acquired.get(&name)?.clone();
        self.last_target = Some((wire_name.to_vec(), weak));
        Some(replica)
    }

    async fn send(&self, packet: Packet) -> bool {
        match self.outbox.send(&packet, Urgency::Batched, None).await {
            Ok(()) => true,
            Err(Refused::Encode(e)) => {
                tracing::warn!(error = %e, packet = packet.packet_type().name(), "packet not sent");
                true
            }
            Err(Refused::Closed | Refused::Timeout) => false,
        }
    }

    /// Sends RemoveObject for released replicas and AddObject for acquired ones the host
    /// remotes; `false` when the connection is gone.
    async fn reconcile(&mut self, shared: &Shared) -> bool {
        self.last_target = None;
        let current: HashMap<String, Weak<ReplicaInner>> = {
            let mut replicas = lock(&shared.replicas);
            replicas.retain(|_, w| w.strong_count() > 0);
            replicas.clone()
        };
        let released: Vec<String> = self
            .acquired
            .iter()
            .filter(|(name, w)| {
                w.strong_count() == 0 || !current.get(*name).is_some_and(|c| c.ptr_eq(w))
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in released {
            self.acquired.remove(&name);
            tracing::debug!(name, "releasing");
            if !self.send(Packet::RemoveObject { name }).await {
                return false;
            }
        }
        let objects = shared.objects.borrow().clone();
        for (name, weak) in current {
            if self.acquired.contains_key(&name) {
                continue;
            }
            let (Some(info), Some(replica)) =
                (objects.iter().find(|o| o.name == name), weak.upgrade())
            else {
                continue;
            };
            let announced = info
                .signature
                .as_deref()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_default();
            if let Some(expected) = &replica.expected {
                let wanted = expected.signature.clone().unwrap_or_default();
                if !wanted.is_empty() && !announced.is_empty() && wanted != announced {
                    tracing::warn!(name, wanted, announced, "signature mismatch");
                    replica.set_state(ReplicaState::SignatureMismatch {
                        expected: wanted,
                        found: announced,
                    });
                    continue;
                }
            }
            tracing::debug!(name, dynamic = replica.expected.is_none(), "acquiring");
            self.acquired.insert(name.clone(), weak);
            let add = Packet::AddObject {
                name,
                is_dynamic: replica.expected.is_none(),
            };
            if !self.send(add).await {
                return false;
            }
        }
        true
    }

    /// Handles one packet from the host; `false` when the connection is gone.
    async fn handle(&mut self, shared: &Shared, packet: Packet) -> bool {
        match packet {
            Packet::ObjectList(list) => {
                shared.objects.send_modify(|objects| {
                    for info in list {
                        match objects.iter_mut().find(|o| o.name == info.name) {
                            Some(o) => *o = info,
                            None => objects.push(info),
                        }
                    }
                });
                return self.reconcile(shared).await;
            }
            Packet::RemoveObject { name } => {
                tracing::debug!(name, "the host removed an object");
                shared.objects.send_modify(|o| o.retain(|o| o.name != name));
                self.last_target = None;
                if self.acquired.remove(&name).is_some()
                    && let Some(r) = shared.replica(&name)
                {
                    r.lost();
                }
            }
            Packet::Init { name, properties } => {
                if let Some(r) = self.acquired_replica(shared, &name) {
                    let events = r.apply_init(None, properties);
                    deliver(shared, &r, events).await;
                }
            }
            Packet::InitDynamic {
                name,
                definition,
                properties,
            } => {
                definition.register_types(
                    &mut shared.types.write().unwrap_or_else(PoisonError::into_inner),
                );
                if let Some(r) = self.acquired_replica(shared, &name) {
                    let events = r.apply_init(Some(definition), properties);
                    deliver(shared, &r, events).await;
                }
            }
            Packet::PropertyChange { name, index, value } => {
                if let Some(r) = self.acquired_replica(shared, &name) {
                    match r.apply_change(index, value) {
                        Some(event) => deliver(shared, &r, vec![event]).await,
                        None => tracing::warn!(name, index, "change of an unknown property"),
                    }
                }
            }
            Packet::Invoke(invoke) => {
                // A notify signal follows its PropertyChange, which was reported already.
                if invoke.call != Call::InvokeMetaMethod || invoke.property_index >= 0 {
                    return true;
                }
                if let Some(r) = self.acquired_replica(shared, &invoke.name) {
                    match r.signal(invoke.index, invoke.args) {
                        Some(event) => deliver(shared, &r, vec![event]).await,
                        None => tracing::warn!(
                            name = invoke.name,
                            index = invoke.index,
                            "unknown signal"
                        ),
                    }
                }
            }
            Packet::InvokeReply {
                name,
                acked_serial_id,
                value,
            } => {
                if let Some(r) = shared.replica(&name) {
                    r.complete(acked_serial_id, value);
                }
            }
            other => tracing::warn!(
                packet = other.packet_type().name(),
                "unexpected packet from the host ignored"
            ),
        }
        true
    }

    fn acquired_replica(&self, shared: &Shared, name: &str) -> Option<Arc<ReplicaInner>> {
        let weak = self.acquired.get(name)?;
        let replica = shared.replica(name)?;
        std::ptr::eq(weak.as_ptr(), Arc::as_ptr(&replica)).then_some(replica)
    }
}

/// Hands events to the replica's subscribers, dropping those that stay full too long.
async fn deliver(shared: &Shared, replica: &ReplicaInner, events: Vec<ReplicaEvent>) {
    if events.is_empty() {
        return;
    }
    // Subscribers with room get their events at once; only full ones are waited for.
    for (sub, backlog) in replica.try_deliver(events) {
        for event in backlog {
            let sent =
                tokio::time::timeout(shared.options.subscriber_timeout, sub.send(event)).await;
            match sent {
                Ok(Ok(())) => {}
                Ok(Err(_)) => break,
                Err(_) => {
                    tracing::warn!(
                        name = %replica.name,
                        "dropping a subscriber that does not read its events"
                    );
                    replica.drop_subscriber(&sub);
                    break;
                }
            }
        }
    }
}
