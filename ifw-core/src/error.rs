//! The error type of ifw-core.

/// What can go wrong in the ifw runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of one kind arrived where another was expected.
    #[error("expected {expected}, got {found}")]
    UnexpectedValue {
        /// What the receiving type needs.
        expected: &'static str,
        /// What arrived.
        found: &'static str,
    },
    /// An integer that is none of an enum's values (or has bits a flag does not define).
    #[error("{value} is not a value of `{type_name}`")]
    InvalidEnumValue {
        /// The enum or flag type.
        type_name: &'static str,
        /// The integer received.
        value: i64,
    },
    /// A struct arrived with a different number of fields than it declares.
    #[error("`{type_name}` has {expected} fields, got {found}")]
    FieldCount {
        /// The struct's Qt type name.
        type_name: &'static str,
        /// The number of fields it declares.
        expected: usize,
        /// The number that arrived.
        found: usize,
    },
    /// A struct arrived under another type name.
    #[error("expected a `{expected}`, got a `{found}`")]
    TypeName {
        /// The struct's Qt type name.
        expected: &'static str,
        /// The name that arrived.
        found: String,
    },
    /// The service does not implement this operation (the generated default).
    #[error("operation `{operation}` is not implemented by the service")]
    NotImplemented {
        /// The operation's QFace name.
        operation: &'static str,
    },
    /// The service refused a request, for this reason.
    #[error("rejected by the service: {reason}")]
    Rejected {
        /// Why, in the service's words.
        reason: String,
    },
    /// The remote service reported that the operation failed (Qt IF carries no reason).
    #[error("remote operation `{operation}` failed")]
    OperationFailed {
        /// The operation's QFace name.
        operation: &'static str,
    },
    /// A row index past the end of a model.
    #[error("row {index} is out of range (the model has {len} rows)")]
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The number of rows.
        len: usize,
    },
    /// A zone the interface does not have.
    #[error("no zone `{0}`")]
    UnknownZone(String),
    /// A protobuf message does not decode.
    #[error("protobuf: {0}")]
    Protobuf(#[from] prost::DecodeError),
    /// A `google.protobuf.Value` that carries a value of a type protobuf cannot express (a nested
    /// container) does not fit that type.
    #[error("protobuf value does not fit its type: {0}")]
    ProtoValue(serde_json::Error),
    /// The Qt Remote Objects layer failed.
    #[error(transparent)]
    Qtro(#[from] ifw_qtro::Error),
}

impl Error {
    /// A [`Rejected`](Error::Rejected) error: what a service returns to refuse a request.
    ///
    /// ```
    /// let e = ifw_core::Error::rejected("the volume is locked");
    /// assert_eq!(e.to_string(), "rejected by the service: the volume is locked");
    /// ```
    pub fn rejected(reason: impl Into<String>) -> Self {
        Self::Rejected {
            reason: reason.into(),
        }
    }
}
