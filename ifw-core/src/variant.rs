//! [`Variant`], the Rust type of QFace `var`.

use std::fmt;

/// A dynamically typed value: what QFace calls `var` and Qt a `QVariant`.
///
/// It wraps a [`serde_json::Value`] rather than the Qt Remote Objects value model. `var` has to
/// travel over every transport — as JSON text over MQTT, as a `QVariant` over QtRO — and sit in
/// generated structs that derive `Default`, `PartialEq` and serde; a JSON value does all of that
/// as it is, and covers what a `QVariant` holds in Qt IF APIs in practice (null, bool, numbers,
/// strings, lists, string-keyed maps). The conversion to and from the QtRO value is
/// [`ToQtro`](crate::ToQtro)/[`FromQtro`](crate::FromQtro); Qt-only kinds (`QPoint`, byte
/// arrays, …) are refused there with an error instead of being guessed at.
///
/// ```
/// use ifw_core::Variant;
///
/// let v = Variant::from(serde_json::json!({ "zone": "FrontLeft", "level": 3 }));
/// assert_eq!(v.as_json()["level"], 3);
/// assert_eq!(Variant::default(), Variant::null());
/// assert_eq!(serde_json::to_string(&Variant::from(2.5))?, "2.5");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Variant(serde_json::Value);

impl Variant {
    /// The null variant (an invalid `QVariant`).
    pub fn null() -> Self {
        Self(serde_json::Value::Null)
    }

    /// Whether it is null.
    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// The value as JSON.
    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }

    /// The value as JSON, owned.
    pub fn into_json(self) -> serde_json::Value {
        self.0
    }
}

impl fmt::Debug for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Variant({})", self.0)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<serde_json::Value> for Variant {
    fn from(v: serde_json::Value) -> Self {
        Self(v)
    }
}

impl From<Variant> for serde_json::Value {
    fn from(v: Variant) -> Self {
        v.0
    }
}

macro_rules! from_scalar {
    ($($t:ty),*) => {$(
        impl From<$t> for Variant {
            fn from(v: $t) -> Self {
                Self(serde_json::Value::from(v))
            }
        }
    )*};
}
from_scalar!(bool, i32, i64, u32, u64, f64, String, &str);
