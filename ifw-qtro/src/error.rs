//! The one error type of this crate.

/// What went wrong while reading, writing or exchanging Qt Remote Objects data.
///
/// Every variant is a clean, recoverable error: nothing in this crate panics on bytes that come
/// from the wire.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before a value was complete (`needed` more bytes at `offset`).
    #[error("truncated input: {needed} more bytes needed at offset {offset}")]
    Truncated {
        /// Bytes the value still needed.
        needed: usize,
        /// Where in the input the value started.
        offset: usize,
    },
    /// A frame's length field is larger than the configured maximum.
    #[error("frame of {len} bytes exceeds the maximum of {max} bytes")]
    FrameTooLarge {
        /// The length announced by the frame.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// A frame's length field is too small to hold even the packet type.
    #[error("frame length {0} is too small to hold a packet type")]
    FrameTooShort(u32),
    /// A packet type id that QtRO 2.0 does not define.
    #[error("unknown packet type {0}")]
    UnknownPacketType(u16),
    /// Bytes were left over after a packet body was completely decoded.
    #[error("{count} trailing bytes after a {packet} packet")]
    TrailingBytes {
        /// The packet type's name.
        packet: &'static str,
        /// How many bytes were left.
        count: usize,
    },
    /// A QVariant type id that this codec does not support.
    #[error("unsupported QVariant type id {0}")]
    UnknownTypeId(u32),
    /// A user type (gadget, enum, container element) with no definition in the type registry.
    #[error("unknown user type `{0}`: its definition is not registered")]
    UnknownUserType(String),
    /// A type name that cannot be parsed (unbalanced template brackets, empty arguments, …).
    #[error("malformed type name `{0}`")]
    InvalidTypeName(String),
    /// A QString whose UTF-16 is not valid (an unpaired surrogate).
    #[error("QString with invalid UTF-16")]
    InvalidUtf16,
    /// A byte string that must be text (a type name, signature or URL) is not UTF-8.
    #[error("{0} is not valid UTF-8")]
    InvalidUtf8(&'static str),
    /// A structurally invalid value, with a description of what was wrong.
    #[error("malformed data: {0}")]
    Malformed(&'static str),
    /// Values nested deeper than the decoder allows.
    #[error("values nested deeper than {0} levels")]
    NestingTooDeep(usize),
    /// A value does not fit the container type that holds it (seen while encoding).
    #[error("type mismatch: a `{container}` cannot hold a {found} value")]
    TypeMismatch {
        /// The declared container or element type.
        container: String,
        /// The kind of value that was found instead.
        found: &'static str,
    },
    /// A string, byte array or list too long for the 32-bit sizes of the protocol.
    #[error("{0} elements are too many for a 32-bit QDataStream size")]
    TooLong(usize),
    /// The peer's handshake did not announce the `QtRO 2.0` protocol.
    #[error("protocol mismatch: peer speaks `{0}`, expected `QtRO 2.0`")]
    ProtocolMismatch(String),
    /// The first packet on a connection was not a Handshake.
    #[error("expected a Handshake packet first, got {0}")]
    MissingHandshake(&'static str),
    /// A URL that is not `tcp://host:port`, `local:NAME` or `localabstract:NAME`.
    #[error("invalid QtRO URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A host could not listen on its URL (address in use by a live server, no permission, …).
    #[error("cannot listen on {url}: {source}")]
    ListenFailed {
        /// The URL.
        url: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A node could not connect to its URL.
    #[error("cannot connect to {url}: {source}")]
    ConnectFailed {
        /// The URL.
        url: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The connection to the host was lost (or never made) before the operation completed.
    #[error("disconnected from the host")]
    Disconnected,
    /// A wait passed its deadline.
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    /// The replica has no initialized copy of its source yet (or lost it).
    #[error("replica `{0}` is not ready")]
    NotReady(String),
    /// A property, method or signal the object's class does not have.
    #[error("`{object}` has no {kind} `{member}`")]
    UnknownMember {
        /// The object name.
        object: String,
        /// `property`, `method` or `signal`.
        kind: &'static str,
        /// The name or index asked for.
        member: String,
    },
    /// An argument list that does not match the method's or signal's parameter count.
    #[error("`{member}` takes {expected} arguments, {found} given")]
    ArgumentCount {
        /// The member's signature.
        member: String,
        /// Its parameter count.
        expected: usize,
        /// The number of arguments given.
        found: usize,
    },
    /// A host already remotes an object under this name.
    #[error("an object named `{0}` is already remoted")]
    AlreadyRemoted(String),
    /// A static replica's signature differs from the one the host announced.
    #[error("signature mismatch for `{name}`: expected {expected}, host has {found}")]
    SignatureMismatch {
        /// The object name.
        name: String,
        /// The signature the replica was built for.
        expected: String,
        /// The signature in the host's ObjectList.
        found: String,
    },
    /// The node or host has been shut down.
    #[error("the node or host has been shut down")]
    Closed,
    /// An I/O error on the underlying connection.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
