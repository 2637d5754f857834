//! The registry (`QRemoteObjectRegistry`): a directory of which host remotes which object.
//!
//! - A [`RegistryHost`] serves the `Registry` source (property `sourceLocations`, signals
//!   `remoteObjectAdded`/`remoteObjectRemoved`, methods `addSource`/`removeSource`/
//!   `removeServer`, in Qt's index order) and can remote objects of its own.
//! - A [`Host`] given a registry URL ([`HostOptions::registry`]) registers every source it
//!   remotes there, again after every reconnect, and unregisters disabled ones. When its
//!   connection to the registry drops, the registry removes its sources (and, unlike Qt, tells
//!   the other nodes).
//! - A [`Registry`] client follows the locations and acquires objects wherever they are hosted.
//!
//! The first name registered wins: a second registration of the same name is ignored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::{CancellationToken, DropGuard};
use tokio_util::task::TaskTracker;

use crate::codec::{
    Associative, ClassDefinition, MethodDef, Pair, PropertyDef, SignalDef, SourceLocationInfo,
    Value,
};
use crate::error::{Error, Result};
use crate::host::{Host, HostOptions};
use crate::link::lock;
use crate::node::{Node, NodeOptions};
use crate::replica::{Replica, ReplicaEvent, ReplicaInner, ReplicaState};
use crate::source::{BoxFuture, SourceHandler, SourceObject, wire_index};

/// The registry's object name (and type name).
pub const REGISTRY_NAME: &str = "Registry";

const LOCATIONS_TYPE: &str = "QHash<QString,QRemoteObjectSourceLocationInfo>";
const LOCATION_TYPE: &str = "std::pair<QString,QRemoteObjectSourceLocationInfo>";
const ADD_SOURCE: usize = 0;
const REMOVE_SOURCE: usize = 1;
const REMOVE_SERVER: usize = 2;
const ADDED: usize = 0;
const REMOVED: usize = 1;

/// Where a source is hosted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The object name.
    pub name: String,
    /// The source's type name, if it has one.
    pub type_name: Option<String>,
    /// The URL of the host that remotes it.
    pub host_url: String,
}

impl SourceLocation {
    /// The `QRemoteObjectSourceLocation` value (`std::pair<QString,…Info>`) Qt sends.
    pub fn to_value(&self) -> Value {
        Value::Pair(Pair {
            type_name: LOCATION_TYPE.to_owned(),
            first: Box::new(Value::from(self.name.clone())),
            second: Box::new(self.info()),
        })
    }

    /// Reads a `QRemoteObjectSourceLocation` value.
    pub fn from_value(value: &Value) -> Option<Self> {
        let Value::Pair(pair) = value else {
            return None;
        };
        Self::from_entry(&pair.first, &pair.second)
    }

    fn from_entry(name: &Value, info: &Value) -> Option<Self> {
        let Value::SourceLocationInfo(info) = info else {
            return None;
        };
        Some(Self {
            name: name.as_str()?.to_owned(),
            type_name: info.type_name.clone(),
            host_url: info.host_url.clone()?,
        })
    }

    fn info(&self) -> Value {
        Value::SourceLocationInfo(SourceLocationInfo {
            type_name: self.type_name.clone(),
            host_url: Some(self.host_url.clone()),
        })
    }
}

/// The `Registry` class in Qt's (`DynamicApiMap`) index order.
pub fn registry_definition() -> ClassDefinition {
    let location = "QRemoteObjectSourceLocation";
    let signal = |name: &str| SignalDef {
        signature: format!("{name}({location})"),
        parameter_names: vec!["entry".into()],
    };
    let method = |name: &str, ty: &str, param: &str| MethodDef {
        signature: format!("{name}({ty})"),
        return_type: "void".into(),
        parameter_names: vec![param.into()],
    };
    ClassDefinition {
        type_name: Some(REGISTRY_NAME.into()),
        signals: vec![signal("remoteObjectAdded"), signal("remoteObjectRemoved")],
        methods: vec![
            method("addSource", location, "entry"),
            method("removeSource", location, "entry"),
            method("removeServer", "QUrl", "url"),
        ],
        properties: vec![PropertyDef {
            name: "sourceLocations".into(),
            type_name: "QRemoteObjectSourceLocations".into(),
            notify_signature: None,
        }],
        ..ClassDefinition::default()
    }
}

fn locations_value(locations: &[SourceLocation]) -> Value {
    Value::Associative(Associative {
        type_name: LOCATIONS_TYPE.to_owned(),
        entries: locations
            .iter()
            .map(|l| (Value::from(l.name.clone()), l.info()))
            .collect(),
    })
}

fn locations_from_value(value: &Value) -> Vec<SourceLocation> {
    match value {
        Value::Associative(a) => a
            .entries
            .iter()
            .filter_map(|(k, v)| SourceLocation::from_entry(k, v))
            .collect(),
        _ => Vec::new(),
    }
}

/// The registry source's behaviour: `addSource`, `removeSource`, `removeServer`.
struct RegistryHandler {
    locations: Arc<Mutex<Vec<SourceLocation>>>,
}

impl RegistryHandler {
    async fn add(&self, source: &SourceObject, location: SourceLocation) {
        let value = {
            let mut all = lock(&self.locations);
            if let Some(known) = all.iter().find(|l| l.name == location.name) {
                tracing::warn!(
                    name = location.name,
                    registered = known.host_url,
                    ignored = location.host_url,
                    "a source of that name is registered already"
                );
                return;
            }
            all.push(location.clone());
            locations_value(&all)
        };
        tracing::debug!(
            name = location.name,
            url = location.host_url,
            "source registered"
        );
        source.store(0, value).await;
        let _ = source.emit(ADDED, vec![location.to_value()]).await;
    }

    async fn remove(&self, source: &SourceObject, pred: impl Fn(&SourceLocation) -> bool) {
        let (removed, value) = {
            let mut all = lock(&self.locations);
            let (removed, kept) = all.drain(..).partition::<Vec<_>, _>(|l| pred(l));
            *all = kept;
            (removed, locations_value(&all))
        };
        if removed.is_empty() {
            return;
        }
        source.store(0, value).await;
        for location in removed {
            tracing::debug!(
                name = location.name,
                url = location.host_url,
                "source unregistered"
            );
            let _ = source.emit(REMOVED, vec![location.to_value()]).await;
        }
    }
}

impl SourceHandler for RegistryHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            match (method, args.first()) {
                (ADD_SOURCE, Some(arg)) => match SourceLocation::from_value(arg) {
                    Some(location) => self.add(source, location).await,
                    None => tracing::warn!("addSource without a source location"),
                },
                (REMOVE_SOURCE, Some(arg)) => match SourceLocation::from_value(arg) {
                    Some(gone) => {
                        self.remove(source, |l| {
                            l.name == gone.name && l.host_url == gone.host_url
                        })
                        .await;
                    }
                    None => tracing::warn!("removeSource without a source location"),
                },
                (REMOVE_SERVER, Some(Value::Url(Some(url)))) => {
                    self.remove(source, |l| l.host_url == *url).await;
                }
                _ => tracing::warn!(method, "unsupported registry call"),
            }
            Value::Invalid
        })
    }
}

/// A host serving the `Registry` source; it can remote objects of its own as well.
#[derive(Debug)]
pub struct RegistryHost {
    host: Host,
    registry: SourceObject,
}

impl RegistryHost {
    /// Listens on `url` and serves the registry there.
    pub async fn listen(url: &str) -> Result<Self> {
        Self::listen_with(url, HostOptions::default()).await
    }

    /// Listens on `url` with `options` (a registry URL in them is ignored).
    pub async fn listen_with(url: &str, options: HostOptions) -> Result<Self> {
        let host = Host::listen_with(url, options.without_registry()).await?;
        let registry = SourceObject::builder(registry_definition())
            .values(vec![locations_value(&[])])
            .handler(RegistryHandler {
                locations: Arc::new(Mutex::new(Vec::new())),
            })
            .build()?;
        host.enable_remoting(REGISTRY_NAME, registry.clone())
            .await?;
        let source = registry.clone();
        host.on_server_removed(Box::new(move |url| {
            let source = source.clone();
            Box::pin(async move {
                let args = vec![Value::Url(Some(url))];
                source.handle_call(wire_index(REMOVE_SERVER), args).await;
            })
        }));
        Ok(Self { host, registry })
    }

    /// The host (its URL, connection count, …).
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Remotes `source` under `name` on this node and registers it.
    pub async fn enable_remoting(&self, name: &str, source: SourceObject) -> Result<()> {
        let location = SourceLocation {
            name: name.to_owned(),
            type_name: source.definition().type_name.clone(),
            host_url: self.host.url().to_string(),
        };
        self.host.enable_remoting(name, source).await?;
        self.registry
            .handle_call(wire_index(ADD_SOURCE), vec![location.to_value()])
            .await;
        Ok(())
    }

    /// Stops remoting `name` on this node and unregisters it.
    pub async fn disable_remoting(&self, name: &str) -> bool {
        let location = SourceLocation {
            name: name.to_owned(),
            type_name: None,
            host_url: self.host.url().to_string(),
        };
        if name == REGISTRY_NAME || !self.host.disable_remoting(name).await {
            return false;
        }
        self.registry
            .handle_call(wire_index(REMOVE_SOURCE), vec![location.to_value()])
            .await;
        true
    }

    /// The registered locations, in registration order.
    pub async fn locations(&self) -> Vec<SourceLocation> {
        locations_from_value(&self.registry.property(0).await.unwrap_or(Value::Invalid))
    }

    /// Stops the registry host and waits until its tasks have ended.
    pub async fn shutdown(self) {
        self.host.shutdown().await;
    }
}

/// A host's link to its registry: registers what the host remotes.
#[derive(Debug)]
pub(crate) struct Registration {
    node: Node,
    replica: Replica,
    host_url: String,
    sources: Arc<Mutex<Vec<SourceLocation>>>,
}

impl Registration {
    /// Connects to the registry and keeps the host's sources registered there (a task on
    /// `tracker`, ended by `cancel`).
    pub(crate) async fn start(
        registry_url: &str,
        host_url: String,
        tracker: &TaskTracker,
        cancel: CancellationToken,
    ) -> Result<Self> {
        let node = Node::connect(registry_url).await?;
        let replica = node.acquire(REGISTRY_NAME, registry_definition(), None);
        let sources: Arc<Mutex<Vec<SourceLocation>>> = Arc::default();
        let mut states = replica.state_changes();
        let (r, all) = (replica.clone(), sources.clone());
        tracker.spawn(async move {
            loop {
                if *states.borrow_and_update() == ReplicaState::Ready {
                    let current = lock(&all).clone();
                    for location in current {
                        register(&r, ADD_SOURCE, &location).await;
                    }
                }
                tokio::select! {
                    () = cancel.cancelled() => break,
                    changed = states.changed() => if changed.is_err() { break },
                }
            }
        });
        Ok(Self {
            node,
            replica,
            host_url,
            sources,
        })
    }

    pub(crate) async fn add(&self, name: &str, type_name: Option<String>) {
        let location = SourceLocation {
            name: name.to_owned(),
            type_name,
            host_url: self.host_url.clone(),
        };
        lock(&self.sources).push(location.clone());
        if self.replica.state() == ReplicaState::Ready {
            register(&self.replica, ADD_SOURCE, &location).await;
        }
    }

    pub(crate) async fn remove(&self, name: &str) {
        let removed = {
            let mut sources = lock(&self.sources);
            let i = sources.iter().position(|l| l.name == name);
            i.map(|i| sources.remove(i))
        };
        if let Some(location) = removed
            && self.replica.state() == ReplicaState::Ready
        {
            register(&self.replica, REMOVE_SOURCE, &location).await;
        }
    }

    pub(crate) fn node(&self) -> &Node {
        &self.node
    }

    pub(crate) async fn shutdown(self) {
        self.node.shutdown().await;
    }
}

async fn register(registry: &Replica, method: usize, location: &SourceLocation) {
    if let Err(e) = registry.call_at(method, vec![location.to_value()]).await {
        tracing::debug!(error = %e, name = location.name, "registry not updated");
    }
}

/// A client of a registry: follows the source locations and acquires objects from whichever
/// host remotes them (one [`Node`] per host URL).
///
/// A replica acquired here follows its source: when the source is registered at another host
/// URL (its host went away and another one remotes it now), the replica moves to a node
/// connected there and becomes ready again with that host's values, as a Qt node that acquired
/// through a registry does.
#[derive(Debug)]
pub struct Registry {
    node: Node,
    _replica: Replica,
    locations: watch::Receiver<Vec<SourceLocation>>,
    hosts: Arc<Hosts>,
    cancel: CancellationToken,
    tracker: TaskTracker,
    _stop_on_drop: DropGuard,
}

/// The nodes a [`Registry`] client opened to hosts, and the replicas it acquired there.
#[derive(Debug)]
struct Hosts {
    nodes: Mutex<HashMap<String, Arc<Node>>>,
    options: NodeOptions,
    acquired: Mutex<Vec<Weak<ReplicaInner>>>,
}

impl Hosts {
    /// The node connected to `url`, connecting one if there is none yet.
    async fn node(&self, url: &str) -> Result<Arc<Node>> {
        if let Some(node) = lock(&self.nodes).get(url) {
            return Ok(node.clone());
        }
        let node = Arc::new(Node::connect_with(url, self.options.clone()).await?);
        Ok(lock(&self.nodes)
            .entry(url.to_owned())
            .or_insert(node)
            .clone())
    }

    /// Moves every acquired replica whose source is registered at another host to a node there.
    async fn follow(&self, locations: &[SourceLocation]) {
        let replicas: Vec<Replica> = {
            let mut acquired = lock(&self.acquired);
            acquired.retain(|w| w.strong_count() > 0);
            acquired
                .iter()
                .filter_map(Weak::upgrade)
                .map(|inner| Replica { inner })
                .collect()
        };
        for replica in replicas {
            let Some(location) = locations.iter().find(|l| l.name == replica.name()) else {
                continue;
            };
            let current = lock(&self.nodes)
                .values()
                .find(|n| n.serves(&replica))
                .cloned();
            let Some(current) = current else { continue };
            if current.url().to_string() == location.host_url {
                continue;
            }
            match self.node(&location.host_url).await {
                Ok(node) => node.adopt(&replica, &current),
                Err(e) => tracing::warn!(
                    error = %e,
                    name = location.name,
                    url = location.host_url,
                    "cannot follow a source to its new host"
                ),
            }
        }
    }
}

impl Registry {
    /// Connects to the registry at `url`.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, NodeOptions::default()).await
    }

    /// Connects to the registry at `url`; `options` also serve the nodes to the hosts.
    pub async fn connect_with(url: &str, options: NodeOptions) -> Result<Self> {
        let node = Node::connect_with(url, options.clone()).await?;
        let replica = node.acquire(REGISTRY_NAME, registry_definition(), None);
        let (tx, locations) = watch::channel(Vec::new());
        let cancel = CancellationToken::new();
        let tracker = TaskTracker::new();
        let hosts = Arc::new(Hosts {
            nodes: Mutex::new(HashMap::new()),
            options,
            acquired: Mutex::new(Vec::new()),
        });
        let mut events = replica.subscribe();
        let mut states = replica.state_changes();
        let (r, token) = (replica.clone(), cancel.clone());
        tracker.spawn(async move {
            let mut was_ready = false;
            loop {
                // On (re)initialization the table is read whole; then signals keep it current.
                let ready = *states.borrow_and_update() == ReplicaState::Ready;
                if ready && !was_ready {
                    let all = r.property_at(0).unwrap_or(Value::Invalid);
                    tx.send_replace(locations_from_value(&all));
                }
                was_ready = ready;
                tokio::select! {
                    () = token.cancelled() => break,
                    changed = states.changed() => if changed.is_err() { break },
                    event = events.recv() => match event {
                        Some(ReplicaEvent::Signal { index, args, .. }) => {
                            let Some(loc) = args.first().and_then(SourceLocation::from_value)
                            else {
                                continue;
                            };
                            tx.send_modify(|all| {
                                all.retain(|l| l.name != loc.name);
                                if index == ADDED {
                                    all.push(loc);
                                }
                            });
                        }
                        Some(ReplicaEvent::PropertyChanged { value, .. }) => {
                            tx.send_replace(locations_from_value(&value));
                        }
                        None => break,
                    },
                }
            }
        });
        let (mut changes, follower, token) = (locations.clone(), hosts.clone(), cancel.clone());
        tracker.spawn(async move {
            loop {
                tokio::select! {
                    () = token.cancelled() => break,
                    changed = changes.changed() => if changed.is_err() { break },
                }
                let current = changes.borrow_and_update().clone();
                follower.follow(&current).await;
            }
        });
        Ok(Self {
            node,
            _replica: replica,
            locations,
            hosts,
            _stop_on_drop: cancel.clone().drop_guard(),
            cancel,
            tracker,
        })
    }

    /// The node connected to the registry.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The registered locations as last seen.
    pub fn locations(&self) -> Vec<SourceLocation> {
        self.locations.borrow().clone()
    }

    /// A receiver of changes to [`locations`](Self::locations).
    pub fn location_changes(&self) -> watch::Receiver<Vec<SourceLocation>> {
        self.locations.clone()
    }

    /// Waits until `name` is registered, at most `timeout`.
    pub async fn wait_for(&self, name: &str, timeout: Duration) -> Result<SourceLocation> {
        let mut rx = self.locations.clone();
        let found = tokio::time::timeout(
            timeout,
            rx.wait_for(|all| all.iter().any(|l| l.name == name)),
        )
        .await;
        match found {
            Ok(Ok(all)) => all
                .iter()
                .find(|l| l.name == name)
                .cloned()
                .ok_or(Error::Closed),
            Ok(Err(_)) => Err(Error::Closed),
            Err(_) => Err(Error::Timeout("a source to be registered")),
        }
    }

    /// Waits (at most `timeout`) for `name` to be registered and acquires it dynamically from
    /// its host.
    pub async fn acquire_dynamic(&self, name: &str, timeout: Duration) -> Result<Replica> {
        let node = self.node_for(name, timeout).await?;
        Ok(self.followed(node.acquire_dynamic(name)))
    }

    /// Waits (at most `timeout`) for `name` to be registered and acquires it statically.
    pub async fn acquire(
        &self,
        name: &str,
        definition: ClassDefinition,
        signature: Option<&str>,
        timeout: Duration,
    ) -> Result<Replica> {
        let node = self.node_for(name, timeout).await?;
        Ok(self.followed(node.acquire(name, definition, signature)))
    }

    async fn node_for(&self, name: &str, timeout: Duration) -> Result<Arc<Node>> {
        let location = self.wait_for(name, timeout).await?;
        self.hosts.node(&location.host_url).await
    }

    /// Keeps `replica` with its source when the source moves to another host.
    fn followed(&self, replica: Replica) -> Replica {
        let mut acquired = lock(&self.hosts.acquired);
        if !acquired
            .iter()
            .any(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&replica.inner)))
        {
            acquired.push(Arc::downgrade(&replica.inner));
        }
        replica
    }

    /// Disconnects from the registry and every host, waiting for the tasks to end.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        self.tracker.close();
        self.tracker.wait().await;
        let nodes: Vec<_> = lock(&self.hosts.nodes).drain().map(|(_, n)| n).collect();
        for node in nodes {
            if let Ok(node) = Arc::try_unwrap(node) {
                node.shutdown().await;
            }
        }
        self.node.shutdown().await;
    }
}
