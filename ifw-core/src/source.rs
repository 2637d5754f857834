//! The source side of generated interfaces: answering operations the way Qt Interface
//! Framework's `QIfRemoteObjectsSourceHelper::fromPendingReply` does, and reading typed values
//! out of a [`SourceObject`].

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::Poll;

use ifw_qtro::{SourceObject, Value};

use crate::{Error, FromQtro, PendingResult, ToQtro};

/// The numbers of a source's deferred results (`pendingResultAvailable` ids), from 1 up, one
/// counter for all replicas as in Qt IF.
#[derive(Debug, Default)]
pub struct PendingIds(AtomicU64);

impl PendingIds {
    /// The next id.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    }
}

/// Runs an operation and gives the value its slot answers, as Qt IF does it:
///
/// - the result is there at the first poll: the value itself;
/// - it failed at the first poll: `PendingResult { id, failed: true }` (the error is logged; Qt IF
///   sends no error payload);
/// - otherwise `PendingResult { id, failed: false }`, and when the result comes, the source emits
///   signal `signal` (`pendingResultAvailable(quint64 id, bool isSuccess, QVariant value)`) to
///   every replica, with an invalid value on failure.
///
/// Deferred results run on a spawned Tokio task. They are emitted once the host has queued the
/// reply carrying the id ([`ifw_qtro::source::reply_queued`]): Qt IF's replicas drop results for
/// ids they have not been answered yet, so the reply must come first.
pub async fn answer<F>(
    source: &SourceObject,
    ids: &PendingIds,
    signal: usize,
    operation: &'static str,
    result: F,
) -> Value
where
    F: Future<Output = Result<Value, Error>> + Send + 'static,
{
    let mut result = Box::pin(result);
    let first = std::future::poll_fn(|cx| Poll::Ready(result.as_mut().poll(cx))).await;
    match first {
        Poll::Ready(Ok(value)) => value,
        Poll::Ready(Err(error)) => {
            let id = ids.next();
            tracing::warn!(operation, id, %error, "operation failed");
            PendingResult { id, failed: true }.to_qtro()
        }
        Poll::Pending => {
            let id = ids.next();
            let source = source.clone();
            let reply_queued = ifw_qtro::source::reply_queued();
            tokio::spawn(async move {
                let outcome = result.await;
                reply_queued.await;
                let (ok, value) = match outcome {
                    Ok(value) => (true, value),
                    Err(error) => {
                        tracing::warn!(operation, id, %error, "deferred operation failed");
                        (false, Value::Invalid)
                    }
                };
                let args = vec![Value::ULongLong(id), Value::Bool(ok), value];
                if let Err(error) = source.emit(signal, args).await {
                    tracing::warn!(operation, id, %error, "pendingResultAvailable not emitted");
                }
            });
            PendingResult { id, failed: false }.to_qtro()
        }
    }
}

/// The typed value of property `index` of `source`; the type's default if it holds something
/// else (which only raw access to the [`SourceObject`] can cause).
pub async fn property<T: FromQtro + Default>(source: &SourceObject, index: usize) -> T {
    match source.property(index).await {
        Some(value) => T::from_qtro(&value).unwrap_or_else(|error| {
            tracing::warn!(index, %error, "a source property holds a value of another type");
            T::default()
        }),
        None => T::default(),
    }
}

/// Sets property `index` of `source` to `value` (broadcast to every replica when it changed), in
/// its wire form ([`to_wire`](crate::codegen::to_wire)).
pub async fn set_property<T: ToQtro>(
    source: &SourceObject,
    index: usize,
    value: &T,
) -> Result<(), Error> {
    Ok(source
        .set_property(index, crate::codegen::to_wire(value))
        .await?)
}

/// Logs what a setter policy refused (a replica's push has no answer to carry it, in Qt neither).
pub fn log_refused(property: &'static str, result: Result<(), Error>) {
    if let Err(error) = result {
        tracing::info!(property, %error, "property change refused by the service");
    }
}

/// Answers a replica's `push<Prop>(value)` call: reads the value from `args`, gives it to the
/// service's setter policy `set` and logs a refusal (a push has no answer to carry it, in Qt
/// neither). The slot's answer is always [`Value::Invalid`].
pub async fn push<T, F, Fut>(property: &'static str, args: &[Value], set: F) -> Value
where
    T: FromQtro,
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let result = match argument(args, 0) {
        Ok(value) => set(value).await,
        Err(e) => Err(e),
    };
    log_refused(property, result);
    Value::Invalid
}

/// Answers a zoned setter slot `(value, zone)` as [`push`] answers a push method: the service's
/// setter policy `set` gets both, a refusal is logged, the answer is [`Value::Invalid`].
pub async fn zoned_push<T, F, Fut>(property: &'static str, args: &[Value], set: F) -> Value
where
    T: FromQtro,
    F: FnOnce(T, String) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let result = match (argument(args, 0), argument::<String>(args, 1)) {
        (Ok(value), Ok(zone)) => set(value, zone).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    log_refused(property, result);
    Value::Invalid
}

/// Reads argument `index` of a call as `T`.
pub fn argument<T: FromQtro>(args: &[Value], index: usize) -> Result<T, Error> {
    match args.get(index) {
        Some(value) => T::from_qtro(value),
        None => Err(Error::UnexpectedValue {
            expected: "one more argument",
            found: "the end of the argument list",
        }),
    }
}

#[cfg(test)]
mod tests {
    use ifw_qtro::codec::{ClassDefinition, SignalDef};

    use super::*;

    fn source() -> SourceObject {
        let definition = ClassDefinition {
            type_name: Some("T".into()),
            signals: vec![SignalDef {
                signature: "pendingResultAvailable(quint64,bool,QVariant)".into(),
                parameter_names: vec!["id".into(), "isSuccess".into(), "value".into()],
            }],
            ..ClassDefinition::default()
        };
        SourceObject::new(definition, Vec::new()).expect("a source")
    }

    #[tokio::test]
    async fn ready_results_are_the_answer_others_are_pending() {
        let src = source();
        let ids = PendingIds::default();
        let now = answer(&src, &ids, 0, "now", async { Ok(Value::Int(4)) }).await;
        assert_eq!(now, Value::Int(4));
        let failed = answer(&src, &ids, 0, "bad", async {
            Err(Error::NotImplemented { operation: "bad" })
        })
        .await;
        assert_eq!(
            PendingResult::from_reply(&failed),
            Some(PendingResult {
                id: 1,
                failed: true
            })
        );
        let later = answer(&src, &ids, 0, "later", async {
            tokio::task::yield_now().await;
            Ok(Value::Int(5))
        })
        .await;
        assert_eq!(
            PendingResult::from_reply(&later),
            Some(PendingResult {
                id: 2,
                failed: false
            })
        );
    }
}

/// The property values of a zoned source, zone by zone (zone `""`, the interface's own, always
/// exists), in the order given.
///
/// ```
/// use ifw_core::codegen::Zones;
///
/// let zones = Zones::new([("FrontLeft".to_string(), 21)]);
/// assert_eq!(zones.names(), ["FrontLeft"]);
/// assert_eq!(zones.get(""), Some(0));
/// assert!(zones.set("FrontLeft", &22, |v| v)?);
/// assert!(!zones.set("FrontLeft", &22, |v| v)?);
/// assert!(zones.set("Rear", &1, |v| v).is_err());
/// assert_eq!(zones.read("FrontLeft", |v| *v), Some(22));
/// # Ok::<(), ifw_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Zones<P>(Mutex<Vec<(String, P)>>);

impl<P: Clone + Default> Zones<P> {
    /// The zones and their values; a zone given twice keeps its last values, and zone `""` is
    /// added with default values when it is not given.
    pub fn new(zones: impl IntoIterator<Item = (String, P)>) -> Self {
        let mut all: Vec<(String, P)> = Vec::new();
        for (zone, values) in zones {
            if let Some(slot) = all.iter_mut().find(|(z, _)| *z == zone) {
                slot.1 = values;
            } else {
                all.push((zone, values));
            }
        }
        if !all.iter().any(|(z, _)| z.is_empty()) {
            all.insert(0, (String::new(), P::default()));
        }
        Self(Mutex::new(all))
    }

    fn lock(&self) -> MutexGuard<'_, Vec<(String, P)>> {
        crate::lock(&self.0)
    }

    /// Every zone but `""`, in the order given (what `availableZones()` reports).
    pub fn names(&self) -> Vec<String> {
        self.lock()
            .iter()
            .map(|(z, _)| z.clone())
            .filter(|z| !z.is_empty())
            .collect()
    }

    /// The values of `zone`, or `None` for a zone there is not.
    pub fn get(&self, zone: &str) -> Option<P> {
        self.read(zone, P::clone)
    }

    /// What `f` reads from the values of `zone`, or `None` for a zone there is not.
    pub fn read<T>(&self, zone: &str, f: impl FnOnce(&P) -> T) -> Option<T> {
        self.lock()
            .iter()
            .find(|(z, _)| z == zone)
            .map(|(_, v)| f(v))
    }

    /// Sets the value `field` selects in `zone`; whether it changed.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownZone`] for a zone there is not.
    pub fn set<T: PartialEq + Clone>(
        &self,
        zone: &str,
        value: &T,
        field: impl FnOnce(&mut P) -> &mut T,
    ) -> Result<bool, Error> {
        let mut zones = self.lock();
        let slot = zones
            .iter_mut()
            .find(|(z, _)| z == zone)
            .ok_or_else(|| Error::UnknownZone(zone.into()))?;
        let current = field(&mut slot.1);
        if current == value {
            return Ok(false);
        }
        value.clone_into(current);
        Ok(true)
    }

    /// Answers a zoned getter slot `(zone)`: what `get` reads from the zone's values, or
    /// [`Value::Invalid`] for a zone there is not.
    pub fn answer(&self, args: &[Value], get: impl FnOnce(&P) -> Value) -> Value {
        let zone: String = argument(args, 0).unwrap_or_default();
        self.read(&zone, get).unwrap_or(Value::Invalid)
    }
}

/// The arguments of a zoned change signal or setter slot: the value, then the zone.
pub fn zoned_args(value: Value, zone: &str) -> Vec<Value> {
    vec![value, Value::from(zone)]
}

/// Answers an `availableZones()` slot: the zone names as a `QStringList`.
pub fn zone_names(names: Vec<String>) -> Value {
    Value::StringList(names.into_iter().map(Some).collect())
}

/// `Debug` of a generated source: its name and the schema-free source underneath.
///
/// # Errors
///
/// What the formatter gives.
pub fn debug_source(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    object: &SourceObject,
) -> std::fmt::Result {
    f.debug_struct(name).field("object", object).finish()
}
