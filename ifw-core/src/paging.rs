//! QFace `model<T>` properties over Qt Remote Objects, as Qt Interface Framework carries them: each
//! model is its own remoted object of the fixed class `QIfPagingModel` (its `.rep` is
//! [`PAGING_MODEL_REP`]), remoted under `<qualified interface>.<property>`.
//!
//! The protocol: a client instance picks a UUID and calls `registerInstance(id)`; the source
//! answers `countChanged(id, count)`. `fetchData(id, start, count)` is answered by
//! `dataFetched(id, items, start, moreAvailable)`. Changes are broadcast (the null UUID) as
//! `dataChanged(null, items, start, count)` — replace `count` rows at `start` with `items`: an
//! insert is `([x], i, 0)`, a removal `([], i, 1)`, an update `([x], i, 1)` — followed by
//! `countChanged(null, count)` when the length changed. Answers carry the UUID they are for;
//! clients ignore the others.
//!
//! [`PagingModelSource`] is the server side (what Qt IF's simulation and server backends do for a
//! model), [`PagingModelReplica`] the client side (what Qt IF's `QIfPagingModel` does through its
//! QtRO backend).

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ifw_qtro::codec::ClassDefinition;
use ifw_qtro::{BoxFuture, Host, Node, Replica, ReplicaEvent, SourceHandler, SourceObject, Value};

use crate::codegen::ClassBuilder;
use crate::{Error, FromQtro, ToQtro};

/// The `.rep` of Qt IF's `QIfPagingModel` class (its declarations; Qt's file adds includes and
/// an export macro).
pub const PAGING_MODEL_REP: &str = "class QIfPagingModel
{
    SLOT(void registerInstance(const QUuid &identifier))
    SLOT(void unregisterInstance(const QUuid &identifier))
    SLOT(void fetchData(const QUuid &identifier, int start, int count))

    SIGNAL(supportedCapabilitiesChanged(const QUuid &identifier, QtInterfaceFrameworkModule::ModelCapabilities capabilities))
    SIGNAL(countChanged(const QUuid &identifier, int newLength))
    SIGNAL(dataFetched(const QUuid &identifier, const QList<QVariant> &data, int start, bool moreAvailable))
    SIGNAL(dataChanged(const QUuid &identifier, const QList<QVariant> &data, int start, int count))
};
";

/// repc's signature of [`PAGING_MODEL_REP`] (`ifw-build` recomputes it in its tests).
pub const PAGING_MODEL_SIGNATURE: &str = "521c71374e6c93942d5b5dee4c29ceb25b0d753b";

/// The class name.
pub const PAGING_MODEL_CLASS: &str = "QIfPagingModel";

/// The signal and method signatures of [`PAGING_MODEL_REP`], in repc's index order.
const SIGNALS: [(&str, &[&str]); 4] = [
    (
        "supportedCapabilitiesChanged(QUuid,QtInterfaceFrameworkModule::ModelCapabilities)",
        &["identifier", "capabilities"],
    ),
    ("countChanged(QUuid,int)", &["identifier", "newLength"]),
    (
        "dataFetched(QUuid,QList<QVariant>,int,bool)",
        &["identifier", "data", "start", "moreAvailable"],
    ),
    (
        "dataChanged(QUuid,QList<QVariant>,int,int)",
        &["identifier", "data", "start", "count"],
    ),
];
const METHODS: [(&str, &[&str]); 3] = [
    ("registerInstance(QUuid)", &["identifier"]),
    ("unregisterInstance(QUuid)", &["identifier"]),
    (
        "fetchData(QUuid,int,int)",
        &["identifier", "start", "count"],
    ),
];
const COUNT_CHANGED: usize = 1;
const DATA_FETCHED: usize = 2;
const DATA_CHANGED: usize = 3;
const REGISTER: usize = 0;
const UNREGISTER: usize = 1;
const FETCH: usize = 2;

/// The flags of `QtInterfaceFrameworkModule::ModelCapabilities` (4 bytes on the wire).
const CAPABILITIES: [(&str, i32); 7] = [
    ("NoExtras", 0),
    ("SupportsGetSize", 0x1),
    ("SupportsFiltering", 0x2),
    ("SupportsSorting", 0x4),
    ("SupportsAndConjunction", 0x8),
    ("SupportsOrConjunction", 0x10),
    ("SupportsStatelessNavigation", 0x20),
];

/// The class definition of `QIfPagingModel`, in repc's index order (with the capabilities flag,
/// so its values can be read).
pub fn paging_model_definition() -> ClassDefinition {
    let mut c = ClassBuilder::new(PAGING_MODEL_CLASS);
    c.enum_gadget("QtInterfaceFrameworkModule");
    c.gadget_enum("ModelCapabilities", true);
    for (name, value) in CAPABILITIES {
        c.key(name, value);
    }
    for (signature, names) in SIGNALS {
        c.signal(signature, names);
    }
    for (signature, names) in METHODS {
        c.method(signature, "void", names);
    }
    c.build()
}

/// A fresh random (version 4) UUID, in RFC 4122 byte order.
fn new_uuid() -> [u8; 16] {
    let mut id = [0u8; 16];
    if getrandom::fill(&mut id).is_err() {
        // No OS randomness: the time and a process-wide count still tell instances apart.
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        id = nanos.to_be_bytes();
        let count = COUNT.fetch_add(1, Ordering::Relaxed);
        id[..8].copy_from_slice(&count.to_be_bytes());
    }
    id[6] = (id[6] & 0x0f) | 0x40;
    id[8] = (id[8] & 0x3f) | 0x80;
    id
}

const NULL_UUID: [u8; 16] = [0; 16];

fn int(n: usize) -> Value {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

fn list<T: ToQtro>(items: &[T]) -> Value {
    Value::List(items.iter().map(ToQtro::to_qtro).collect())
}

/// The server side of a `model<T>` property: the rows, and the answers to `QIfPagingModel`
/// replicas. Cheap to clone; every change is broadcast to every replica.
///
/// ```
/// use ifw_core::paging::PagingModelSource;
///
/// # tokio_test_block(async {
/// let model = PagingModelSource::new(vec![1, 2])?;
/// model.insert(1, 5).await?;
/// assert_eq!(model.items(), [1, 5, 2]);
/// assert_eq!(model.remove(0).await?, 1);
/// assert!(model.update(7, 0).await.is_err());
/// # Ok::<(), ifw_core::Error>(())
/// # });
/// # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Debug)]
pub struct PagingModelSource<T> {
    object: SourceObject,
    rows: Arc<Mutex<Vec<T>>>,
}

impl<T> Clone for PagingModelSource<T> {
    fn clone(&self) -> Self {
        Self {
            object: self.object.clone(),
            rows: Arc::clone(&self.rows),
        }
    }
}

impl<T: ToQtro + Clone + Send + Sync + 'static> PagingModelSource<T> {
    /// A model holding `rows`.
    ///
    /// # Errors
    ///
    /// None in practice (the fixed class definition is valid).
    pub fn new(rows: Vec<T>) -> Result<Self, Error> {
        let rows = Arc::new(Mutex::new(rows));
        let object = SourceObject::builder(paging_model_definition())
            .signature(PAGING_MODEL_SIGNATURE)
            .handler(ModelHandler {
                rows: Arc::clone(&rows),
            })
            .build()?;
        Ok(Self { object, rows })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<T>> {
        crate::lock(&self.rows)
    }

    /// Remotes the model on `host` under `name` (Qt IF's: `<qualified interface>.<property>`).
    ///
    /// # Errors
    ///
    /// When the host refuses the name.
    pub async fn enable_remoting(&self, host: &Host, name: &str) -> Result<(), Error> {
        Ok(host.enable_remoting(name, self.object.clone()).await?)
    }

    /// The schema-free source underneath.
    pub fn object(&self) -> &SourceObject {
        &self.object
    }

    /// The rows.
    pub fn items(&self) -> Vec<T> {
        self.lock().clone()
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The row at `index`.
    pub fn at(&self, index: usize) -> Option<T> {
        self.lock().get(index).cloned()
    }

    /// Inserts `item` at `index` (at most the length) and tells every replica.
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`], or when emitting fails.
    pub async fn insert(&self, index: usize, item: T) -> Result<(), Error> {
        let len = {
            let mut rows = self.lock();
            if index > rows.len() {
                return Err(Error::IndexOutOfRange {
                    index,
                    len: rows.len(),
                });
            }
            rows.insert(index, item.clone());
            rows.len()
        };
        self.changed(list(&[item]), index, 0).await?;
        self.count_changed(len).await
    }

    /// Appends `item`.
    ///
    /// # Errors
    ///
    /// When emitting fails.
    pub async fn push(&self, item: T) -> Result<(), Error> {
        let len = self.len();
        self.insert(len, item).await
    }

    /// Removes the row at `index` and tells every replica; the row.
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`], or when emitting fails.
    pub async fn remove(&self, index: usize) -> Result<T, Error> {
        let (item, len) = {
            let mut rows = self.lock();
            if index >= rows.len() {
                return Err(Error::IndexOutOfRange {
                    index,
                    len: rows.len(),
                });
            }
            let item = rows.remove(index);
            (item, rows.len())
        };
        self.changed(Value::List(Vec::new()), index, 1).await?;
        self.count_changed(len).await?;
        Ok(item)
    }

    /// Replaces the row at `index` and tells every replica.
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`], or when emitting fails.
    pub async fn update(&self, index: usize, item: T) -> Result<(), Error> {
        {
            let mut rows = self.lock();
            let len = rows.len();
            let row = rows
                .get_mut(index)
                .ok_or(Error::IndexOutOfRange { index, len })?;
            *row = item.clone();
        }
        self.changed(list(&[item]), index, 1).await
    }

    /// Moves the row at `from` to `to` and tells every replica (the rows in between change).
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`], or when emitting fails.
    pub async fn move_row(&self, from: usize, to: usize) -> Result<(), Error> {
        let (low, span) = {
            let mut rows = self.lock();
            let len = rows.len();
            if from >= len || to >= len {
                return Err(Error::IndexOutOfRange {
                    index: from.max(to),
                    len,
                });
            }
            let item = rows.remove(from);
            rows.insert(to, item);
            let (low, high) = (from.min(to), from.max(to));
            (low, rows[low..=high].to_vec())
        };
        self.changed(list(&span), low, span.len()).await
    }

    /// Replaces every row and tells every replica (all rows go, then the new ones come).
    ///
    /// # Errors
    ///
    /// When emitting fails.
    pub async fn reset(&self, rows: Vec<T>) -> Result<(), Error> {
        let old = {
            let mut current = self.lock();
            std::mem::replace(&mut *current, rows.clone()).len()
        };
        self.changed(Value::List(Vec::new()), 0, old).await?;
        self.count_changed(0).await?;
        if !rows.is_empty() {
            self.changed(list(&rows), 0, 0).await?;
            self.count_changed(rows.len()).await?;
        }
        Ok(())
    }

    async fn changed(&self, items: Value, start: usize, count: usize) -> Result<(), Error> {
        let args = vec![Value::Uuid(NULL_UUID), items, int(start), int(count)];
        Ok(self.object.emit(DATA_CHANGED, args).await?)
    }

    async fn count_changed(&self, len: usize) -> Result<(), Error> {
        let args = vec![Value::Uuid(NULL_UUID), int(len)];
        Ok(self.object.emit(COUNT_CHANGED, args).await?)
    }
}

/// Answers `QIfPagingModel` replicas from the rows.
struct ModelHandler<T> {
    rows: Arc<Mutex<Vec<T>>>,
}

impl<T: ToQtro + Clone + Send + Sync + 'static> SourceHandler for ModelHandler<T> {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            let id = match args.first() {
                Some(Value::Uuid(id)) => Value::Uuid(*id),
                other => {
                    tracing::warn!(method, ?other, "a paging model call without a UUID");
                    return Value::Invalid;
                }
            };
            let result = match method {
                REGISTER => {
                    let len = crate::lock(&self.rows).len();
                    source.emit(COUNT_CHANGED, vec![id, int(len)]).await
                }
                FETCH => {
                    // A negative or missing start or count reads as 0.
                    let at = |i: usize| {
                        let n = args.get(i).and_then(Value::as_i64).unwrap_or(0);
                        usize::try_from(n).unwrap_or(0)
                    };
                    let (start, count) = (at(1), at(2));
                    let (items, more) = {
                        let rows = crate::lock(&self.rows);
                        let end = start.saturating_add(count).min(rows.len());
                        let items = rows.get(start.min(end)..end).unwrap_or_default();
                        (list(items), end < rows.len())
                    };
                    let args = vec![id, items, int(start), Value::Bool(more)];
                    source.emit(DATA_FETCHED, args).await
                }
                // `unregisterInstance` needs nothing: no state is kept per instance.
                _ => Ok(()),
            };
            if let Err(e) = result {
                tracing::warn!(method, error = %e, "a paging model could not answer");
            }
            Value::Invalid
        })
    }
}

/// A change of a model seen by a [`PagingModelReplica`].
#[derive(Debug, Clone, PartialEq)]
pub enum ModelChange<T> {
    /// The number of rows is now this.
    Count(usize),
    /// Replace `count` rows at `start` with `rows` (an insert replaces none, a removal inserts
    /// none).
    Rows {
        /// The first row.
        start: usize,
        /// How many rows are replaced.
        count: usize,
        /// The new rows.
        rows: Vec<T>,
    },
}

/// The client side of a `model<T>` property: a `QIfPagingModel` replica registered as one
/// instance. Cheap to clone (the clones are the same instance).
#[derive(Debug)]
pub struct PagingModelReplica<T> {
    replica: Replica,
    id: [u8; 16],
    rows: PhantomData<fn() -> T>,
}

impl<T> Clone for PagingModelReplica<T> {
    fn clone(&self) -> Self {
        Self {
            replica: self.replica.clone(),
            id: self.id,
            rows: PhantomData,
        }
    }
}

/// How many rows [`PagingModelReplica::rows`] asks for at a time (Qt IF's default chunk).
pub const CHUNK: usize = 30;

impl<T: FromQtro> PagingModelReplica<T> {
    /// Acquires the model remoted under `name` from `node`, as a new instance.
    pub fn acquire(node: &Node, name: &str) -> Self {
        let replica = node.acquire(
            name,
            paging_model_definition(),
            Some(PAGING_MODEL_SIGNATURE),
        );
        Self {
            replica,
            id: new_uuid(),
            rows: PhantomData,
        }
    }

    /// The schema-free replica underneath.
    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    /// Waits until the replica is initialized, registers this instance and gives the number of
    /// rows the source reports.
    ///
    /// # Errors
    ///
    /// When the replica does not become ready or the count does not come within `timeout`.
    pub async fn register(&self, timeout: Duration) -> Result<usize, Error> {
        self.replica.wait_ready(timeout).await?;
        let mut events = self.replica.subscribe();
        let args = vec![Value::Uuid(self.id)];
        self.replica.call_at(REGISTER, args).await?;
        let answer = tokio::time::timeout(timeout, async {
            while let Some(event) = events.recv().await {
                if let Some(args) = for_instance(&event, COUNT_CHANGED, self.id) {
                    return count_of(args.get(1));
                }
            }
            Err(Error::Qtro(ifw_qtro::Error::Disconnected))
        })
        .await;
        answer.unwrap_or(Err(Error::Qtro(ifw_qtro::Error::Timeout(
            "the count of a paging model",
        ))))
    }

    /// Asks for `count` rows from `start`; the rows and whether more follow.
    ///
    /// # Errors
    ///
    /// When the rows do not come within `timeout` or do not read as `T`.
    pub async fn fetch(
        &self,
        start: usize,
        count: usize,
        timeout: Duration,
    ) -> Result<(Vec<T>, bool), Error> {
        let mut events = self.replica.subscribe();
        let args = vec![Value::Uuid(self.id), int(start), int(count)];
        self.replica.call_at(FETCH, args).await?;
        let answer = tokio::time::timeout(timeout, async {
            while let Some(event) = events.recv().await {
                let Some(args) = for_instance(&event, DATA_FETCHED, self.id) else {
                    continue;
                };
                if count_of(args.get(2)).ok() != Some(start) {
                    continue;
                }
                let rows = rows_of(args.get(1))?;
                let more = matches!(args.get(3), Some(Value::Bool(true)));
                return Ok((rows, more));
            }
            Err(Error::Qtro(ifw_qtro::Error::Disconnected))
        })
        .await;
        answer.unwrap_or(Err(Error::Qtro(ifw_qtro::Error::Timeout(
            "the rows of a paging model",
        ))))
    }

    /// Registers this instance and fetches every row, [`CHUNK`] at a time.
    ///
    /// # Errors
    ///
    /// As [`PagingModelReplica::register`] and [`PagingModelReplica::fetch`].
    pub async fn rows(&self, timeout: Duration) -> Result<Vec<T>, Error> {
        let count = self.register(timeout).await?;
        let mut rows = Vec::with_capacity(count.min(1 << 16));
        loop {
            let (chunk, more) = self.fetch(rows.len(), CHUNK, timeout).await?;
            let got = chunk.len();
            rows.extend(chunk);
            if !more || got == 0 {
                return Ok(rows);
            }
        }
    }

    /// Tells the source this instance is gone (Qt IF's frontend does so when its model goes).
    ///
    /// # Errors
    ///
    /// When the replica is not connected.
    pub async fn unregister(&self) -> Result<(), Error> {
        self.replica
            .call_at(UNREGISTER, vec![Value::Uuid(self.id)])
            .await?;
        Ok(())
    }

    /// The changes from now on: counts and row splices for this instance or for all.
    pub fn changes(&self) -> ModelChanges<T> {
        ModelChanges {
            events: self.replica.subscribe(),
            id: self.id,
            rows: PhantomData,
        }
    }
}

fn for_instance(event: &ReplicaEvent, index: usize, id: [u8; 16]) -> Option<&[Value]> {
    match event {
        ReplicaEvent::Signal { index: i, args, .. } if *i == index => match args.first() {
            Some(Value::Uuid(u)) if *u == id || *u == NULL_UUID => Some(args),
            _ => None,
        },
        _ => None,
    }
}

fn count_of(value: Option<&Value>) -> Result<usize, Error> {
    let n = value.and_then(Value::as_i64).unwrap_or(-1);
    usize::try_from(n).map_err(|_| Error::UnexpectedValue {
        expected: "a row count",
        found: value.map_or("nothing", Value::kind),
    })
}

fn rows_of<T: FromQtro>(value: Option<&Value>) -> Result<Vec<T>, Error> {
    match value {
        Some(Value::List(items)) => items.iter().map(T::from_qtro).collect(),
        other => Err(Error::UnexpectedValue {
            expected: "a QVariantList of rows",
            found: other.map_or("nothing", Value::kind),
        }),
    }
}

/// The stream of [`ModelChange`]s of a [`PagingModelReplica`].
#[derive(Debug)]
pub struct ModelChanges<T> {
    events: ifw_qtro::ReplicaEvents,
    id: [u8; 16],
    rows: PhantomData<fn() -> T>,
}

impl<T: FromQtro> ModelChanges<T> {
    /// The next change; `None` when the replica is gone. A change whose rows do not read as `T`
    /// is an error.
    pub async fn recv(&mut self) -> Option<Result<ModelChange<T>, Error>> {
        while let Some(event) = self.events.recv().await {
            if let Some(args) = for_instance(&event, COUNT_CHANGED, self.id) {
                return Some(count_of(args.get(1)).map(ModelChange::Count));
            }
            if let Some(args) = for_instance(&event, DATA_CHANGED, self.id) {
                let change = (|| {
                    Ok(ModelChange::Rows {
                        start: count_of(args.get(2))?,
                        count: count_of(args.get(3))?,
                        rows: rows_of(args.get(1))?,
                    })
                })();
                return Some(change);
            }
        }
        None
    }
}
