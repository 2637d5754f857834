//! The replica handle: a [`Replica`] is a node's copy of a remote source — its property cache, its
//! calls, its property writes, a stream of [`ReplicaEvent`]s and a [`ReplicaState`].
//!
//! Replicas come from [`Node::acquire`](crate::Node::acquire) (static: the class is known in
//! advance, with its repc signature) or [`Node::acquire_dynamic`](crate::Node::acquire_dynamic)
//! (the class travels in the InitDynamicPacket). Handles are cheap to clone; when the last one is
//! dropped the node releases the object (RemoveObject).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot, watch};

use crate::codec::{ClassDefinition, Value};
use crate::error::{Error, Result};
use crate::link::{Outbox, Refused, Urgency, lock};
use crate::packet::{Call, Invoke, Packet};
use crate::source::{find_member, parameter_count, wire_index};

/// Where a replica stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplicaState {
    /// Waiting for the host, the object or its initial values.
    Connecting,
    /// Initialized: the property cache holds the source's values.
    Ready,
    /// Was ready, but the link or the source went away; the node re-acquires it and re-syncs
    /// when it comes back (Qt's `Suspect`).
    Disconnected,
    /// A static replica whose repc signature differs from the host's.
    SignatureMismatch {
        /// The signature the replica was built for.
        expected: String,
        /// The signature the host announced.
        found: String,
    },
}

/// A change seen by a replica.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReplicaEvent {
    /// A property got a new value (a PropertyChange, or a re-sync after a reconnect).
    PropertyChanged {
        /// The property index.
        index: usize,
        /// The property name.
        name: String,
        /// The new value.
        value: Value,
    },
    /// The source emitted a signal (notify signals are reported as `PropertyChanged` instead).
    Signal {
        /// The signal index.
        index: usize,
        /// The signal's signature, for example `crashed(int,QString)`.
        signature: String,
        /// The arguments.
        args: Vec<Value>,
    },
}

/// What a static acquisition expects of the source.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub(crate) definition: Arc<ClassDefinition>,
    pub(crate) signature: Option<String>,
}

/// What a node shares with its replicas: the current link and the wake-up for re-acquiring.
#[derive(Debug, Default)]
pub(crate) struct NodeLink {
    /// The outgoing queue of the current connection; `None` while disconnected.
    pub(crate) outbox: Mutex<Option<Arc<Outbox>>>,
    /// Wakes the connection task to (re)acquire or release replicas.
    pub(crate) reconcile: Notify,
}

/// A subscriber whose queue was full, with the events it has yet to get.
pub(crate) type Backlog = (mpsc::Sender<ReplicaEvent>, Vec<ReplicaEvent>);

/// Per-replica settings from the node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplicaSettings {
    pub(crate) call_timeout: Duration,
    pub(crate) event_capacity: usize,
}

/// A node's copy of a remote object.
#[derive(Debug, Clone)]
pub struct Replica {
    pub(crate) inner: Arc<ReplicaInner>,
}

#[derive(Debug)]
pub(crate) struct ReplicaInner {
    pub(crate) name: String,
    pub(crate) expected: Option<Expected>,
    /// The node serving the replica (a registry client moves it when its source moves).
    link: Mutex<Arc<NodeLink>>,
    settings: ReplicaSettings,
    state: watch::Sender<ReplicaState>,
    data: Mutex<Data>,
}

#[derive(Debug)]
struct Data {
    definition: Option<Arc<ClassDefinition>>,
    values: Vec<Value>,
    initialized: bool,
    next_serial: i32,
    pending: HashMap<i32, oneshot::Sender<Result<Value>>>,
    subscribers: Vec<mpsc::Sender<ReplicaEvent>>,
}

impl ReplicaInner {
    pub(crate) fn new(
        name: &str,
        expected: Option<Expected>,
        link: Arc<NodeLink>,
        settings: ReplicaSettings,
    ) -> Self {
        let definition = expected.as_ref().map(|e| e.definition.clone());
        let values = definition
            .as_ref()
            .map(|d| vec![Value::Invalid; d.properties.len()])
            .unwrap_or_default();
        Self {
            name: name.to_owned(),
            expected,
            link: Mutex::new(link),
            settings,
            state: watch::Sender::new(ReplicaState::Connecting),
            data: Mutex::new(Data {
                definition,
                values,
                initialized: false,
                next_serial: 1,
                pending: HashMap::new(),
                subscribers: Vec::new(),
            }),
        }
    }

    /// Serves the replica from `link` from now on; returns the previous link.
    pub(crate) fn relink(&self, link: Arc<NodeLink>) -> Arc<NodeLink> {
        std::mem::replace(&mut *lock(&self.link), link)
    }

    /// Whether `link` serves the replica.
    pub(crate) fn is_served_by(&self, link: &Arc<NodeLink>) -> bool {
        Arc::ptr_eq(&lock(&self.link), link)
    }

    pub(crate) fn set_state(&self, state: ReplicaState) {
        self.state.send_if_modified(|s| {
            if *s == state {
                false
            } else {
                tracing::debug!(name = %self.name, ?state, "replica state");
                *s = state;
                true
            }
        });
    }

    /// Applies an Init/InitDynamic; returns the changes to report (only on a re-sync).
    pub(crate) fn apply_init(
        &self,
        definition: Option<ClassDefinition>,
        values: Vec<Value>,
    ) -> Vec<ReplicaEvent> {
        let mut data = lock(&self.data);
        if let Some(d) = definition {
            data.definition = Some(Arc::new(d));
        }
        let Some(def) = data.definition.clone() else {
            tracing::warn!(name = %self.name, "InitPacket for a dynamic replica ignored");
            return Vec::new();
        };
        if values.len() != def.properties.len() {
            tracing::warn!(
                name = %self.name,
                expected = def.properties.len(),
                found = values.len(),
                "Init with a property count that differs from the class"
            );
        }
        let events = if data.initialized {
            values
                .iter()
                .enumerate()
                .filter(|(i, v)| data.values.get(*i) != Some(*v))
                .filter_map(|(i, v)| {
                    Some(ReplicaEvent::PropertyChanged {
                        index: i,
                        name: def.properties.get(i)?.name.clone(),
                        value: v.clone(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        data.values = values;
        data.initialized = true;
        drop(data);
        self.set_state(ReplicaState::Ready);
        events
    }

    pub(crate) fn apply_change(&self, index: i32, value: Value) -> Option<ReplicaEvent> {
        let mut data = lock(&self.data);
        let i = usize::try_from(index).ok()?;
        let name = data.definition.as_ref()?.properties.get(i)?.name.clone();
        let slot = data.values.get_mut(i)?;
        slot.clone_from(&value);
        Some(ReplicaEvent::PropertyChanged {
            index: i,
            name,
            value,
        })
    }

    pub(crate) fn signal(&self, index: i32, args: Vec<Value>) -> Option<ReplicaEvent> {
        let data = lock(&self.data);
        let i = usize::try_from(index).ok()?;
        let signature = data.definition.as_ref()?.signals.get(i)?.signature.clone();
        Some(ReplicaEvent::Signal {
            index: i,
            signature,
            args,
        })
    }

    pub(crate) fn complete(&self, serial: i32, value: Value) {
        match lock(&self.data).pending.remove(&serial) {
            Some(tx) => {
                let _ = tx.send(Ok(value));
            }
            None => tracing::debug!(name = %self.name, serial, "reply to no pending call"),
        }
    }

    /// The link or the source went away: pending calls fail, a ready replica is disconnected.
    pub(crate) fn lost(&self) {
        let pending: Vec<_> = lock(&self.data).pending.drain().collect();
        for (_, tx) in pending {
            let _ = tx.send(Err(Error::Disconnected));
        }
        self.state.send_if_modified(|s| {
            if *s == ReplicaState::Ready {
                *s = ReplicaState::Disconnected;
                true
            } else {
                false
            }
        });
    }

    /// Hands `events` to every live subscriber (closed ones are dropped) that has room for them,
    /// without waiting; returns the subscribers that were full, each with the events it still
    /// needs, in order.
    pub(crate) fn try_deliver(&self, events: Vec<ReplicaEvent>) -> Vec<Backlog> {
        let mut data = lock(&self.data);
        data.subscribers.retain(|s| !s.is_closed());
        let mut full = Vec::new();
        let last = data.subscribers.len().saturating_sub(1);
        let mut events = Some(events);
        for (i, sub) in data.subscribers.iter().enumerate() {
            // The last subscriber (usually the only one) takes the events without a copy.
            let mine = if i == last {
                events.take().unwrap_or_default()
            } else {
                events.clone().unwrap_or_default()
            };
            let mut rest = mine.into_iter();
            while let Some(event) = rest.next() {
                match sub.try_send(event) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Closed(_)) => break,
                    Err(mpsc::error::TrySendError::Full(event)) => {
                        full.push((sub.clone(), std::iter::once(event).chain(rest).collect()));
                        break;
                    }
                }
            }
        }
        full
    }

    pub(crate) fn drop_subscriber(&self, sub: &mpsc::Sender<ReplicaEvent>) {
        lock(&self.data)
            .subscribers
            .retain(|s| !s.same_channel(sub));
    }
}

impl Drop for ReplicaInner {
    fn drop(&mut self) {
        // The connection task releases the object on the host.
        lock(&self.link).reconcile.notify_one();
    }
}

impl Replica {
    /// The object name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The current state.
    pub fn state(&self) -> ReplicaState {
        self.inner.state.borrow().clone()
    }

    /// A receiver of state changes.
    pub fn state_changes(&self) -> watch::Receiver<ReplicaState> {
        self.inner.state.subscribe()
    }

    /// Waits until the replica is [`Ready`](ReplicaState::Ready), at most `timeout`.
    pub async fn wait_ready(&self, timeout: Duration) -> Result<()> {
        let mut rx = self.inner.state.subscribe();
        let wait = rx.wait_for(|s| {
            matches!(
                s,
                ReplicaState::Ready | ReplicaState::SignatureMismatch { .. }
            )
        });
        let state = match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(s)) => s.clone(),
            Ok(Err(_)) => return Err(Error::Closed),
            Err(_) => return Err(Error::Timeout("the replica to become ready")),
        };
        match state {
            ReplicaState::SignatureMismatch { expected, found } => Err(Error::SignatureMismatch {
                name: self.inner.name.clone(),
                expected,
                found,
            }),
            _ => Ok(()),
        }
    }

    /// Waits until `pred` holds for the state, at most `timeout`.
    pub async fn wait_for_state(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&ReplicaState) -> bool,
    ) -> Result<ReplicaState> {
        let mut rx = self.inner.state.subscribe();
        match tokio::time::timeout(timeout, rx.wait_for(|s| pred(s))).await {
            Ok(Ok(s)) => Ok(s.clone()),
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => Err(Error::Timeout("a replica state")),
        }
    }

    /// The class definition: given at a static acquisition, received for a dynamic one.
    pub fn definition(&self) -> Option<Arc<ClassDefinition>> {
        lock(&self.inner.data).definition.clone()
    }

    /// The cached value of the property called `name`.
    pub fn property(&self, name: &str) -> Result<Value> {
        let data = lock(&self.inner.data);
        let def = self.definition_in(&data)?;
        let i = def
            .properties
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| self.unknown("property", name))?;
        Ok(data.values.get(i).cloned().unwrap_or(Value::Invalid))
    }

    /// The cached value of property `index`.
    pub fn property_at(&self, index: usize) -> Option<Value> {
        lock(&self.inner.data).values.get(index).cloned()
    }

    /// All cached properties as `(name, value)`, in property order.
    pub fn properties(&self) -> Vec<(String, Value)> {
        let data = lock(&self.inner.data);
        let Some(def) = &data.definition else {
            return Vec::new();
        };
        def.properties
            .iter()
            .zip(&data.values)
            .map(|(p, v)| (p.name.clone(), v.clone()))
            .collect()
    }

    /// Asks the source to write the property called `name` (a WriteProperty). The cache changes
    /// when the source reports the change back.
    pub async fn set_property(&self, name: &str, value: impl Into<Value>) -> Result<()> {
        let index = {
            let data = lock(&self.inner.data);
            let def = self.definition_in(&data)?;
            def.properties
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| self.unknown("property", name))?
        };
        self.ensure_ready()?;
        self.send(Packet::Invoke(Invoke {
            name: self.inner.name.clone(),
            call: Call::WriteProperty,
            index: wire_index(index),
            args: vec![value.into()],
            serial_id: -1,
            property_index: -1,
        }))
        .await
    }

    /// Calls the method with this signature (`add(int,int)`) or, if unique, this name (`add`).
    ///
    /// Returns the source's return value, [`Value::Invalid`] for a `void` method (which is sent
    /// without waiting for an answer, as Qt does). Fails with [`Error::Disconnected`] when the
    /// link drops before the reply, [`Error::Timeout`] after the node's call timeout.
    pub async fn call(&self, method: &str, args: Vec<Value>) -> Result<Value> {
        let index = {
            let data = lock(&self.inner.data);
            let def = self.definition_in(&data)?;
            find_member(def.methods.iter().map(|m| &m.signature[..]), method)
                .ok_or_else(|| self.unknown("method", method))?
        };
        self.call_at(index, args).await
    }

    /// Calls method `index` (see [`call`](Self::call)).
    pub async fn call_at(&self, index: usize, args: Vec<Value>) -> Result<Value> {
        let returns = {
            let data = lock(&self.inner.data);
            let def = self.definition_in(&data)?;
            let m = def
                .methods
                .get(index)
                .ok_or_else(|| self.unknown("method", &index.to_string()))?;
            let expected = parameter_count(&m.signature);
            if expected != args.len() {
                return Err(Error::ArgumentCount {
                    member: m.signature.clone(),
                    expected,
                    found: args.len(),
                });
            }
            m.return_type != "void"
        };
        self.ensure_ready()?;
        let mut invoke = Invoke {
            name: self.inner.name.clone(),
            call: Call::InvokeMetaMethod,
            index: wire_index(index),
            args,
            serial_id: -1,
            property_index: -1,
        };
        if !returns {
            return self
                .send(Packet::Invoke(invoke))
                .await
                .map(|()| Value::Invalid);
        }
        let (tx, rx) = oneshot::channel();
        let serial = {
            let mut data = lock(&self.inner.data);
            let serial = data.next_serial;
            // Serial 0 is the heartbeat's; −1 means "no reply".
            data.next_serial = serial.checked_add(1).unwrap_or(1);
            data.pending.insert(serial, tx);
            serial
        };
        invoke.serial_id = serial;
        if let Err(e) = self.send(Packet::Invoke(invoke)).await {
            lock(&self.inner.data).pending.remove(&serial);
            return Err(e);
        }
        match tokio::time::timeout(self.inner.settings.call_timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(Error::Disconnected),
            Err(_) => {
                lock(&self.inner.data).pending.remove(&serial);
                Err(Error::Timeout("the reply to a call"))
            }
        }
    }

    /// A stream of this replica's property changes and signals, from now on.
    ///
    /// Events are not dropped: a subscriber that falls behind holds the connection up, and one
    /// that does not read for the node's subscriber timeout is dropped (its stream ends).
    pub fn subscribe(&self) -> ReplicaEvents {
        let (tx, rx) = mpsc::channel(self.inner.settings.event_capacity);
        lock(&self.inner.data).subscribers.push(tx);
        ReplicaEvents { rx }
    }

    fn ensure_ready(&self) -> Result<()> {
        if *self.inner.state.borrow() == ReplicaState::Ready {
            Ok(())
        } else {
            Err(Error::NotReady(self.inner.name.clone()))
        }
    }

    async fn send(&self, packet: Packet) -> Result<()> {
        let outbox = lock(&lock(&self.inner.link).outbox)
            .clone()
            .ok_or(Error::Disconnected)?;
        // Written by this task when the connection is idle: no hop through the flush task.
        match outbox
            .send(
                &packet,
                Urgency::Now,
                Some(self.inner.settings.call_timeout),
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(Refused::Closed) => Err(Error::Disconnected),
            Err(Refused::Timeout) => Err(Error::Timeout("room in the outgoing queue")),
            Err(Refused::Encode(e)) => Err(e),
        }
    }

    /// The class definition in `data`, or `NotReady` while the replica has none yet.
    fn definition_in<'d>(&self, data: &'d Data) -> Result<&'d ClassDefinition> {
        data.definition
            .as_deref()
            .ok_or_else(|| Error::NotReady(self.inner.name.clone()))
    }

    fn unknown(&self, kind: &'static str, member: &str) -> Error {
        Error::UnknownMember {
            object: self.inner.name.clone(),
            kind,
            member: member.to_owned(),
        }
    }
}

/// The events of one [`Replica::subscribe`] call; also a `futures` `Stream`.
#[derive(Debug)]
pub struct ReplicaEvents {
    rx: mpsc::Receiver<ReplicaEvent>,
}

impl ReplicaEvents {
    /// The next event; `None` once the replica is gone or this subscriber was dropped.
    pub async fn recv(&mut self) -> Option<ReplicaEvent> {
        self.rx.recv().await
    }
}

impl futures_util::Stream for ReplicaEvents {
    type Item = ReplicaEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ReplicaEvent>> {
        self.rx.poll_recv(cx)
    }
}
