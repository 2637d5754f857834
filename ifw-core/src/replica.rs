//! The replica side of generated interfaces: typed reads of the property cache, and operations
//! whose answer may be a [`PendingResult`] resolved later by `pendingResultAvailable`, as Qt
//! Interface Framework's `QIfRemoteObjectsReplicaHelper` resolves them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::lock;
use std::time::Duration;

use ifw_qtro::{Replica, ReplicaEvent, ReplicaState, Value};
use tokio::sync::oneshot;

use crate::{Error, FromQtro, PendingResult};

/// How long an operation waits for a deferred result by default: 10 s, the node's default call
/// timeout.
pub const DEFAULT_RESULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Results that arrived before their waiter are kept, this many at most (the oldest go first).
const EARLY_RESULTS: usize = 64;

/// The typed value of property `index` in `replica`'s cache. Before the replica's first
/// initialization this is [`ifw_qtro::Error::NotReady`].
pub fn cached<T: FromQtro>(replica: &Replica, index: usize) -> Result<T, Error> {
    let value = replica.property_at(index).unwrap_or(Value::Invalid);
    T::from_qtro(&value).map_err(|error| {
        if value == Value::Invalid && replica.state() == ReplicaState::Connecting {
            Error::Qtro(ifw_qtro::Error::NotReady(replica.name().to_owned()))
        } else {
            error
        }
    })
}

/// Asks the source to set a property through its `push<Prop>` method `method`; the cached value
/// changes when the source reports the change.
pub async fn push_value<T: crate::ToQtro>(
    replica: &Replica,
    method: usize,
    value: &T,
) -> Result<(), Error> {
    replica
        .call_at(method, vec![crate::codegen::to_wire(value)])
        .await?;
    Ok(())
}

/// A property change as the event `variant` makes of the typed value.
// The generated event conversions return `Option<Result<…>>` (`None`: not an event of theirs).
#[allow(clippy::unnecessary_wraps)]
pub fn changed<T: FromQtro, E>(value: &Value, variant: fn(T) -> E) -> Option<Result<E, Error>> {
    Some(T::from_qtro(value).map(variant))
}

/// Argument `index` of a signal as `T`.
pub fn signal_argument<T: FromQtro>(args: &[Value], index: usize) -> Result<T, Error> {
    crate::source::argument(args, index)
}

/// The operations of one replica: calls, and the deferred results they wait for.
///
/// The first call subscribes to the replica's events (on a Tokio task that ends with the
/// replica) and routes every `pendingResultAvailable` to the call waiting for its id.
#[derive(Debug)]
pub struct Operations {
    signal: usize,
    timeout: Duration,
    shared: Arc<Mutex<Waiters>>,
}

#[derive(Debug, Default)]
struct Waiters {
    started: bool,
    waiting: HashMap<u64, oneshot::Sender<(bool, Value)>>,
    early: VecDeque<(u64, bool, Value)>,
}

impl Operations {
    /// Operations whose deferred results arrive as signal `signal` (the index of
    /// `pendingResultAvailable(quint64,bool,QVariant)`), waited for at most `timeout`.
    pub fn new(signal: usize, timeout: Duration) -> Self {
        Self {
            signal,
            timeout,
            shared: Arc::default(),
        }
    }

    /// How long a call waits for a deferred result.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long a call waits for a deferred result.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Calls method `method` of `replica` and gives the operation's value: the reply itself, or
    /// the deferred result a [`PendingResult`] reply announces. A failed result is
    /// [`Error::OperationFailed`].
    pub async fn call(
        &self,
        replica: &Replica,
        method: usize,
        operation: &'static str,
        args: Vec<Value>,
    ) -> Result<Value, Error> {
        self.start(replica);
        let reply = replica.call_at(method, args).await?;
        let Some(pending) = PendingResult::from_reply(&reply) else {
            return Ok(reply);
        };
        if pending.failed {
            return Err(Error::OperationFailed { operation });
        }
        let rx = {
            let mut w = lock(&self.shared);
            if let Some(at) = w.early.iter().position(|(id, ..)| *id == pending.id) {
                let (_, ok, value) = w.early.remove(at).unwrap_or((0, false, Value::Invalid));
                return outcome(operation, ok, value);
            }
            let (tx, rx) = oneshot::channel();
            w.waiting.insert(pending.id, tx);
            rx
        };
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok((ok, value))) => outcome(operation, ok, value),
            Ok(Err(_)) => Err(Error::Qtro(ifw_qtro::Error::Disconnected)),
            Err(_) => {
                lock(&self.shared).waiting.remove(&pending.id);
                Err(Error::Qtro(ifw_qtro::Error::Timeout(
                    "the result of a deferred operation",
                )))
            }
        }
    }

    /// Starts routing `pendingResultAvailable` (once).
    fn start(&self, replica: &Replica) {
        {
            let mut w = lock(&self.shared);
            if w.started {
                return;
            }
            w.started = true;
        }
        let mut events = replica.subscribe();
        let mut states = replica.state_changes();
        let shared = self.shared.clone();
        let signal = self.signal;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    event = events.recv() => match event {
                        Some(ReplicaEvent::Signal { index, args, .. }) if index == signal => {
                            resolve(&shared, args);
                        }
                        Some(_) => {}
                        None => break,
                    },
                    changed = states.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        let lost = matches!(*states.borrow_and_update(), ReplicaState::Disconnected);
                        if lost {
                            // Qt IF's replies would wait forever; here they fail at once.
                            lock(&shared).waiting.clear();
                        }
                    }
                }
            }
            lock(&shared).waiting.clear();
        });
    }
}

fn resolve(shared: &Mutex<Waiters>, args: Vec<Value>) {
    let mut args = args.into_iter();
    let (Some(id), Some(ok), value) = (args.next(), args.next(), args.next()) else {
        tracing::warn!("pendingResultAvailable with too few arguments ignored");
        return;
    };
    let id = match id {
        Value::ULongLong(id) => id,
        other => match other.as_i64().and_then(|i| u64::try_from(i).ok()) {
            Some(id) => id,
            None => {
                tracing::warn!(found = other.kind(), "pendingResultAvailable without an id");
                return;
            }
        },
    };
    let ok = ok.as_bool().unwrap_or(false);
    let value = value.unwrap_or(Value::Invalid);
    let mut w = lock(shared);
    match w.waiting.remove(&id) {
        Some(tx) => {
            let _ = tx.send((ok, value));
        }
        None => {
            // Another replica's result, or ours before the caller has registered its id (the
            // reply wakes the caller while this signal comes through the event stream): keep a few.
            if w.early.len() == EARLY_RESULTS {
                w.early.pop_front();
            }
            w.early.push_back((id, ok, value));
        }
    }
}

fn outcome(operation: &'static str, ok: bool, value: Value) -> Result<Value, Error> {
    if ok {
        Ok(value)
    } else {
        Err(Error::OperationFailed { operation })
    }
}

/// A replica's events as a generated interface's typed event enum `E`: property changes and
/// signals, in the order they arrived. Also a `futures` `Stream`.
pub struct TypedEvents<E> {
    inner: ifw_qtro::ReplicaEvents,
    convert: fn(ReplicaEvent) -> Option<Result<E, Error>>,
}

impl<E> std::fmt::Debug for TypedEvents<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedEvents").finish_non_exhaustive()
    }
}

impl<E> TypedEvents<E> {
    /// The events of `replica` from now on, converted by `convert` (`None` skips an event, such
    /// as `pendingResultAvailable`).
    pub fn new(replica: &Replica, convert: fn(ReplicaEvent) -> Option<Result<E, Error>>) -> Self {
        Self {
            inner: replica.subscribe(),
            convert,
        }
    }

    /// The next event (an error when its values cannot be read as their types); `None` once the
    /// replica is gone or this subscriber fell too far behind.
    pub async fn recv(&mut self) -> Option<Result<E, Error>> {
        loop {
            let event = self.inner.recv().await?;
            if let Some(event) = (self.convert)(event) {
                return Some(event);
            }
        }
    }
}

impl<E> futures_util::Stream for TypedEvents<E> {
    type Item = Result<E, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            match std::pin::Pin::new(&mut self.inner).poll_next(cx) {
                std::task::Poll::Ready(Some(event)) => {
                    if let Some(event) = (self.convert)(event) {
                        return std::task::Poll::Ready(Some(event));
                    }
                }
                std::task::Poll::Ready(None) => return std::task::Poll::Ready(None),
                std::task::Poll::Pending => return std::task::Poll::Pending,
            }
        }
    }
}

impl<E> Unpin for TypedEvents<E> {}
