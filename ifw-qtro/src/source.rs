//! The schema-free source: a [`SourceObject`] holds a [`ClassDefinition`], the current property
//! values and a [`SourceHandler`] for the method calls and property writes replicas send.
//!
//! One `SourceObject` can be remoted by several hosts (or under several names); every replica
//! that acquired it gets its property changes and signals.
//!
//! The definition's order is the wire's index order: property `i` is `properties[i]`, signal `i`
//! is `signals[i]`, method `i` is `methods[i]`. For a repc static replica the definition must use
//! repc's layout (notify signals of non-CONSTANT properties first, push methods before slots).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::{Mutex, oneshot};
use tokio_util::sync::CancellationToken;

use crate::codec::{ClassDefinition, Value};
use crate::error::{Error, Result};
use crate::link::{Outbox, Refused, Urgency};
use crate::packet::{Packet, encode_property_change, encode_signal};

/// Bytes reserved at a time for the frames sources encode (shared by the frames cut from them).
const ENCODE_CHUNK: usize = 64 * 1024;

/// A boxed, sendable future, as [`SourceHandler`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where a handler's wish to hear about its reply ([`reply_queued`]) waits for the host.
pub(crate) type ReplyHook = Option<oneshot::Sender<()>>;

tokio::task_local! {
    /// Set by the host while a [`SourceHandler::call`] runs.
    static REPLY_HOOK: RefCell<ReplyHook>;
}

/// Runs a handler's call with a place for [`reply_queued`]; gives its result and what was asked.
pub(crate) async fn with_reply_hook<T>(call: impl Future<Output = T>) -> (T, ReplyHook) {
    let mut scoped = std::pin::pin!(REPLY_HOOK.scope(RefCell::new(None), call));
    let value = (&mut scoped).await;
    let hook = scoped.as_mut().take_value().and_then(RefCell::into_inner);
    (value, hook)
}

/// Called inside [`SourceHandler::call`]: a future that completes once the host has queued the
/// reply of the call being handled on its connection (or could not, because the connection
/// closed). Work the handler leaves behind, such as a later signal about the call's outcome, can
/// wait for it, so that the caller always sees the reply first — Qt Interface Framework's
/// replicas drop a `pendingResultAvailable` for an id they have not been answered yet.
///
/// Outside a call made by a host (and for a call without a reply) it completes at once. Only the
/// last request of a call is kept.
///
/// ```
/// # async fn f() {
/// // Outside a host's call there is nothing to wait for.
/// ifw_qtro::source::reply_queued().await;
/// # }
/// ```
pub fn reply_queued() -> impl Future<Output = ()> + Send + 'static {
    let rx = REPLY_HOOK
        .try_with(|slot| {
            let (tx, rx) = oneshot::channel();
            *slot.borrow_mut() = Some(tx);
            rx
        })
        .ok();
    async move {
        if let Some(rx) = rx {
            // An error means the host dropped the hook: the reply will not come; go on.
            let _ = rx.await;
        }
    }
}

/// What a source does when a replica calls a method or writes a property.
///
/// Calls on one connection are handled one after the other, in the order they arrived. A call
/// that finishes without waiting runs in the connection's task and its reply is written at once;
/// one that waits is finished by the connection's dispatcher task, so Pings are answered
/// meanwhile (keep long synchronous work out of handlers). Both methods have defaults: calls
/// answer an invalid value, writes are accepted and broadcast ([`SourceObject::set_property`]).
pub trait SourceHandler: Send + Sync + 'static {
    /// Handles a call of method `method` (an index into the definition's methods) with `args`;
    /// returns the return value ([`Value::Invalid`] for `void`).
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        let _ = (source, args);
        Box::pin(async move {
            tracing::warn!(
                method,
                "no handler for method calls; answering an invalid value"
            );
            Value::Invalid
        })
    }

    /// Handles a replica's write of property `property`. The default accepts it.
    fn write_property<'a>(
        &'a self,
        source: &'a SourceObject,
        property: usize,
        value: Value,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(e) = source.set_property(property, value).await {
                tracing::warn!(error = %e, "property write refused");
            }
        })
    }
}

/// The handler of a source built without one: the trait's defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultHandler;

impl SourceHandler for DefaultHandler {}

/// A remotable object: its class, its property values and its handler. Cheap to clone (shared).
#[derive(Clone)]
pub struct SourceObject {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SourceObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceObject")
            .field("type_name", &self.inner.definition.type_name)
            .field("signature", &self.inner.signature)
            .finish_non_exhaustive()
    }
}

struct Inner {
    definition: ClassDefinition,
    signature: Option<String>,
    /// Per property: its notify signal's index and parameter count.
    notify: Vec<Option<(usize, usize)>>,
    /// Per signal: its parameter count.
    signal_params: Vec<usize>,
    handler: Arc<dyn SourceHandler>,
    state: Mutex<State>,
}

struct State {
    values: Vec<Value>,
    listeners: Vec<Listener>,
    /// Where changes and signals are encoded, once for all listeners under one name.
    buf: BytesMut,
}

/// A connection that acquired the source under `name`.
pub(crate) struct Listener {
    /// The connection's id (unique in the process).
    pub(crate) conn: u64,
    /// The name the source was acquired under.
    pub(crate) name: String,
    /// The connection's outgoing queue.
    pub(crate) outbox: Arc<Outbox>,
    /// Closes the connection (a consumer too slow for `send_timeout`).
    pub(crate) close: CancellationToken,
    /// How long a full queue may block the source.
    pub(crate) send_timeout: Duration,
}

/// Builds a [`SourceObject`]: [`SourceObject::builder`].
pub struct SourceBuilder {
    definition: ClassDefinition,
    values: Option<Vec<Value>>,
    signature: Option<String>,
    handler: Arc<dyn SourceHandler>,
}

impl SourceBuilder {
    /// The initial property values, in property order (default: all [`Value::Invalid`]).
    pub fn values(mut self, values: Vec<Value>) -> Self {
        self.values = Some(values);
        self
    }

    /// The repc signature (lowercase hex SHA1) announced in the ObjectList; none by default.
    pub fn signature(mut self, signature: impl Into<String>) -> Self {
        self.signature = Some(signature.into());
        self
    }

    /// The handler of calls and property writes (default: [`DefaultHandler`]).
    pub fn handler(mut self, handler: impl SourceHandler) -> Self {
        self.handler = Arc::new(handler);
        self
    }

    /// The source; fails when the value count differs from the definition's property count.
    pub fn build(self) -> Result<SourceObject> {
        let n = self.definition.properties.len();
        let values = self.values.unwrap_or_else(|| vec![Value::Invalid; n]);
        if values.len() != n {
            return Err(Error::ArgumentCount {
                member: "the property list".to_owned(),
                expected: n,
                found: values.len(),
            });
        }
        let notify = self
            .definition
            .properties
            .iter()
            .map(|p| {
                let sig = p.notify_signature.as_deref()?;
                let index = self
                    .definition
                    .signals
                    .iter()
                    .position(|s| s.signature == sig)?;
                Some((index, parameter_count(sig)))
            })
            .collect();
        let signal_params = self
            .definition
            .signals
            .iter()
            .map(|s| parameter_count(&s.signature))
            .collect();
        Ok(SourceObject {
            inner: Arc::new(Inner {
                signal_params,
                definition: self.definition,
                signature: self.signature,
                notify,
                handler: self.handler,
                state: Mutex::new(State {
                    values,
                    listeners: Vec::new(),
                    buf: BytesMut::new(),
                }),
            }),
        })
    }
}

impl SourceObject {
    /// Starts building a source of class `definition`.
    pub fn builder(definition: ClassDefinition) -> SourceBuilder {
        SourceBuilder {
            definition,
            values: None,
            signature: None,
            handler: Arc::new(DefaultHandler),
        }
    }

    /// A source with these values and the [`DefaultHandler`].
    pub fn new(definition: ClassDefinition, values: Vec<Value>) -> Result<Self> {
        Self::builder(definition).values(values).build()
    }

    /// The class definition.
    pub fn definition(&self) -> &ClassDefinition {
        &self.inner.definition
    }

    /// The repc signature announced in ObjectLists, if any.
    pub fn signature(&self) -> Option<&str> {
        self.inner.signature.as_deref()
    }

    /// The index of the property called `name`.
    pub fn property_index(&self, name: &str) -> Result<usize> {
        self.inner
            .definition
            .properties
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| self.unknown("property", name))
    }

    /// The index of the signal with this signature (`crashed(int,QString)`) or, if unique,
    /// this name (`crashed`).
    pub fn signal_index(&self, name: &str) -> Result<usize> {
        find_member(
            self.inner
                .definition
                .signals
                .iter()
                .map(|s| &s.signature[..]),
            name,
        )
        .ok_or_else(|| self.unknown("signal", name))
    }

    /// The index of the method with this signature (`add(int,int)`) or, if unique, this name.
    pub fn method_index(&self, name: &str) -> Result<usize> {
        find_member(
            self.inner
                .definition
                .methods
                .iter()
                .map(|m| &m.signature[..]),
            name,
        )
        .ok_or_else(|| self.unknown("method", name))
    }

    /// The current value of property `index`.
    pub async fn property(&self, index: usize) -> Option<Value> {
        self.inner.state.lock().await.values.get(index).cloned()
    }

    /// All current property values, in property order.
    pub async fn values(&self) -> Vec<Value> {
        self.inner.state.lock().await.values.clone()
    }

    /// Sets property `index`. If the value changed, every replica gets a PropertyChange and then
    /// the notify signal, as Qt sends them. Waits while a replica's queue is full, at most the
    /// host's send timeout, after which that replica's connection is closed.
    pub async fn set_property(&self, index: usize, value: Value) -> Result<()> {
        let notify = *self
            .inner
            .notify
            .get(index)
            .ok_or_else(|| self.unknown("property", &index.to_string()))?;
        let mut state = self.inner.state.lock().await;
        let Some(slot) = state.values.get_mut(index) else {
            return Err(self.unknown("property", &index.to_string()));
        };
        if *slot == value {
            return Ok(());
        }
        slot.clone_from(&value);
        let index32 = wire_index(index);
        let State { listeners, buf, .. } = &mut *state;
        deliver(listeners, buf, |buf, name| {
            encode_logged(
                encode_property_change(buf, name, index32, &value),
                "PropertyChange",
            );
            if let Some((signal, params)) = notify {
                let args = if params == 0 {
                    &[][..]
                } else {
                    std::slice::from_ref(&value)
                };
                encode_logged(
                    encode_signal(buf, name, wire_index(signal), args, index32),
                    "Invoke",
                );
            }
        })
        .await;
        Ok(())
    }

    /// Sets the property called `name` (see [`set_property`](Self::set_property)).
    pub async fn set(&self, name: &str, value: impl Into<Value>) -> Result<()> {
        let index = self.property_index(name)?;
        self.set_property(index, value.into()).await
    }

    /// Emits signal `index` with `args` to every replica.
    pub async fn emit(&self, index: usize, args: Vec<Value>) -> Result<()> {
        let signal = self
            .inner
            .definition
            .signals
            .get(index)
            .ok_or_else(|| self.unknown("signal", &index.to_string()))?;
        let expected = self.inner.signal_params[index];
        if args.len() != expected {
            return Err(Error::ArgumentCount {
                member: signal.signature.clone(),
                expected,
                found: args.len(),
            });
        }
        let mut state = self.inner.state.lock().await;
        let State { listeners, buf, .. } = &mut *state;
        deliver(listeners, buf, |buf, name| {
            encode_logged(
                encode_signal(buf, name, wire_index(index), &args, -1),
                "Invoke",
            );
        })
        .await;
        Ok(())
    }

    /// Emits the signal with this signature or name (see [`emit`](Self::emit)).
    pub async fn emit_signal(&self, name: &str, args: Vec<Value>) -> Result<()> {
        let index = self.signal_index(name)?;
        self.emit(index, args).await
    }

    /// How many replicas (over all hosts) have acquired this source.
    pub async fn listener_count(&self) -> usize {
        self.inner.state.lock().await.listeners.len()
    }

    /// Sets property `index` without telling any replica (for a property without a notify
    /// signal that changes along with a signal, as the registry's `sourceLocations`).
    pub(crate) async fn store(&self, index: usize, value: Value) {
        if let Some(slot) = self.inner.state.lock().await.values.get_mut(index) {
            *slot = value;
        }
    }

    /// Adds a listener and sends it the Init (static) or InitDynamic packet.
    pub(crate) async fn attach(&self, listener: Listener, dynamic: bool) {
        let mut state = self.inner.state.lock().await;
        let properties = state.values.clone();
        let packet = if dynamic {
            Packet::InitDynamic {
                name: listener.name.clone(),
                definition: self.inner.definition.clone(),
                properties,
            }
        } else {
            Packet::Init {
                name: listener.name.clone(),
                properties,
            }
        };
        // A second AddObject on one connection re-initializes rather than doubling the stream.
        state
            .listeners
            .retain(|l| l.conn != listener.conn || l.name != listener.name);
        if send_packet(&listener, &packet).await {
            state.listeners.push(listener);
        }
    }

    /// Removes connection `conn`'s listeners (only those under `name`, if given).
    pub(crate) async fn detach(&self, conn: u64, name: Option<&str>) {
        self.inner
            .state
            .lock()
            .await
            .listeners
            .retain(|l| l.conn != conn || name.is_some_and(|n| n != l.name));
    }

    /// Runs a replica's call: `None` when the index or argument count is wrong.
    pub(crate) async fn handle_call(&self, index: i32, args: Vec<Value>) -> Option<Value> {
        let i = usize::try_from(index).ok()?;
        let method = self.inner.definition.methods.get(i)?;
        let expected = parameter_count(&method.signature);
        if args.len() != expected {
            tracing::warn!(
                method = %method.signature,
                expected,
                found = args.len(),
                "call with a wrong argument count ignored"
            );
            return None;
        }
        Some(self.inner.handler.call(self, i, args).await)
    }

    /// Runs a replica's property write; `false` when the index or argument count is wrong.
    pub(crate) async fn handle_write(&self, index: i32, mut args: Vec<Value>) -> bool {
        let Some(i) = usize::try_from(index)
            .ok()
            .filter(|i| *i < self.inner.definition.properties.len())
        else {
            return false;
        };
        if args.len() != 1 {
            return false;
        }
        let value = args.swap_remove(0);
        self.inner.handler.write_property(self, i, value).await;
        true
    }

    fn unknown(&self, kind: &'static str, member: &str) -> Error {
        Error::UnknownMember {
            object: self.inner.definition.type_name.clone().unwrap_or_default(),
            kind,
            member: member.to_owned(),
        }
    }
}

/// Logs a frame a source could not encode (it is left out, as the outbox does with packets).
fn encode_logged(result: Result<()>, packet: &'static str) {
    if let Err(e) = result {
        tracing::warn!(error = %e, packet, "packet not sent: it cannot be encoded");
    }
}

/// Encodes the frames `encode` appends once per object name (listeners almost always share one)
/// and queues the same bytes on every listener under that name.
async fn deliver(
    listeners: &mut Vec<Listener>,
    buf: &mut BytesMut,
    encode: impl Fn(&mut BytesMut, &str),
) {
    // The frames of the latest name encoded (a listener's index), and of any other names.
    let mut last: Option<(usize, Bytes)> = None;
    let mut others: Vec<(usize, Bytes)> = Vec::new();
    let mut gone = Vec::new();
    for i in 0..listeners.len() {
        let name = &listeners[i].name;
        let cached = last
            .iter()
            .chain(&others)
            .find(|(j, _)| listeners[*j].name == *name)
            .map(|(_, b)| b.clone());
        let bytes = match cached {
            Some(b) => b,
            None => {
                if buf.capacity() - buf.len() < 256 {
                    buf.reserve(ENCODE_CHUNK);
                }
                encode(buf, name);
                let b = buf.split().freeze();
                if let Some(previous) = last.replace((i, b.clone())) {
                    others.push(previous);
                }
                b
            }
        };
        if bytes.is_empty() {
            continue;
        }
        if !send_frames(&listeners[i], &bytes).await {
            gone.push(i);
        }
    }
    for i in gone.into_iter().rev() {
        listeners.swap_remove(i);
    }
}

/// Queues `frames` on `listener`; `false` when its connection is gone, or closed because its
/// queue stayed full longer than its send timeout.
async fn send_frames(listener: &Listener, frames: &Bytes) -> bool {
    // Room in the queue is the common case: no timer, no waiting.
    match listener.outbox.try_send_frames(frames) {
        Ok(true) => return true,
        Ok(false) => {}
        Err(refused) => return refused_logged(refused),
    }
    match listener
        .outbox
        .send_frames(frames, listener.send_timeout)
        .await
    {
        Ok(()) => true,
        Err(Refused::Timeout) => {
            tracing::warn!(
                conn = listener.conn,
                timeout = ?listener.send_timeout,
                "closing a connection that does not keep up with the source"
            );
            listener.close.cancel();
            false
        }
        Err(refused) => refused_logged(refused),
    }
}

/// Queues a packet for one listener (its Init), as [`send_frames`] does.
async fn send_packet(listener: &Listener, packet: &Packet) -> bool {
    match listener
        .outbox
        .send(packet, Urgency::Batched, Some(listener.send_timeout))
        .await
    {
        Ok(()) => true,
        Err(Refused::Timeout) => {
            listener.close.cancel();
            false
        }
        Err(refused) => refused_logged(refused),
    }
}

/// `false` for a closed connection; an item that cannot be encoded is logged and skipped.
fn refused_logged(refused: Refused) -> bool {
    match refused {
        Refused::Encode(e) => {
            tracing::warn!(error = %e, "packet not sent: it cannot be encoded");
            true
        }
        Refused::Closed | Refused::Timeout => false,
    }
}

/// Indexes travel as `i32`; definitions never come near 2³¹ members.
pub(crate) fn wire_index(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

/// The number of parameters of a normalized signature such as `f(int,QMap<int,Pos>)`.
pub(crate) fn parameter_count(signature: &str) -> usize {
    let Some(open) = signature.find('(') else {
        return 0;
    };
    let params = signature[open + 1..].trim_end_matches(')').trim();
    if params.is_empty() {
        return 0;
    }
    let mut depth = 0usize;
    let mut count = 1;
    for c in params.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => count += 1,
            _ => {}
        }
    }
    count
}

/// The position of the member whose signature is `name`, or whose name alone is `name` if only
/// one has it.
pub(crate) fn find_member<'a>(
    signatures: impl Iterator<Item = &'a str> + Clone,
    name: &str,
) -> Option<usize> {
    if let Some(i) = signatures.clone().position(|s| s == name) {
        return Some(i);
    }
    let mut matches = signatures
        .enumerate()
        .filter(|(_, s)| s.split('(').next() == Some(name));
    let (i, _) = matches.next()?;
    matches.next().is_none().then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_parameters_of_normalized_signatures() {
        assert_eq!(parameter_count("honk()"), 0);
        assert_eq!(parameter_count("speedChanged(int)"), 1);
        assert_eq!(parameter_count("crashed(int,QString)"), 2);
        assert_eq!(
            parameter_count("f(QMap<int,Pos>,QList<std::pair<int,int>>)"),
            2
        );
        assert_eq!(parameter_count("nothing"), 0);
    }

    #[test]
    fn finds_members_by_signature_or_unique_name() {
        let sigs = ["add(int,int)", "add(double,double)", "honk()"];
        assert_eq!(find_member(sigs.iter().copied(), "honk"), Some(2));
        assert_eq!(
            find_member(sigs.iter().copied(), "add(double,double)"),
            Some(1)
        );
        assert_eq!(find_member(sigs.iter().copied(), "add"), None);
        assert_eq!(find_member(sigs.iter().copied(), "nope"), None);
    }
}
