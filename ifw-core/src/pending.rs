//! [`PendingResult`]: Qt Interface Framework's answer to an operation whose result is not ready
//! yet (`QIfRemoteObjectsPendingResult`).

use ifw_qtro::codec::GadgetDef;
use ifw_qtro::{Gadget, Value};

use crate::{Error, FromQtro, ToQtro};

/// What an operation slot answers when its result comes later (or has already failed): Qt IF's
/// `QIfRemoteObjectsPendingResult` gadget.
///
/// The source answers `{id, failed: false}` and later emits
/// `pendingResultAvailable(id, isSuccess, value)` to every replica; `{id, failed: true}` means the
/// operation failed at once. Qt streams it as a repc POD (`copyStoredProperties`): the type name,
/// then each property as a `QVariant` — `id` a `quint64`, `failed` a `bool`.
///
/// ```
/// use ifw_core::{FromQtro, PendingResult, ToQtro};
///
/// let pending = PendingResult { id: 7, failed: false };
/// let value = pending.to_qtro();
/// assert_eq!(PendingResult::from_qtro(&value)?, pending);
/// assert_eq!(PendingResult::from_reply(&value), Some(pending));
/// assert_eq!(PendingResult::from_reply(&"an immediate answer".into()), None);
/// # Ok::<(), ifw_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PendingResult {
    /// The number the result will come back under (per source, counting from 1).
    pub id: u64,
    /// Whether the operation has already failed (then no result follows).
    pub failed: bool,
}

impl PendingResult {
    /// The Qt type name, `QIfRemoteObjectsPendingResult`.
    pub const TYPE_NAME: &'static str = "QIfRemoteObjectsPendingResult";

    /// Its gadget definition, for a QtRO type registry (a replica needs it to read answers).
    pub fn gadget_def() -> GadgetDef {
        GadgetDef::new(Self::TYPE_NAME, [("id", "quint64"), ("failed", "bool")])
    }

    /// The pending result an operation's reply is, or `None` when the reply is the value itself.
    pub fn from_reply(reply: &Value) -> Option<Self> {
        match reply {
            Value::Gadget(g) if g.type_name == Self::TYPE_NAME => Self::from_qtro(reply).ok(),
            _ => None,
        }
    }
}

impl ToQtro for PendingResult {
    fn to_qtro(&self) -> Value {
        Value::Gadget(Gadget::new(
            Self::TYPE_NAME,
            [
                ("id", Value::ULongLong(self.id)),
                ("failed", Value::Bool(self.failed)),
            ],
        ))
    }
}

impl FromQtro for PendingResult {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        let [(_, id), (_, failed)] = crate::codegen::gadget_fields(value, Self::TYPE_NAME)?;
        let id = match id {
            Value::ULongLong(id) => *id,
            other => other.as_i64().and_then(|i| u64::try_from(i).ok()).ok_or(
                Error::UnexpectedValue {
                    expected: "a quint64 id",
                    found: other.kind(),
                },
            )?,
        };
        Ok(Self {
            id,
            failed: bool::from_qtro(failed)?,
        })
    }
}
