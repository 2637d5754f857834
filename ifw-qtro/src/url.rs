//! QtRO addresses, as Qt's `QtROServerFactory`/`QtROClientFactory` accept them:
//! `tcp://host:port`, `local:NAME` (a Unix socket in the temp dir) and `localabstract:NAME`
//! (a Linux abstract Unix socket).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Where a host listens or a node connects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Url {
    /// `tcp://host:port`. An empty host means every interface (host side only).
    Tcp {
        /// Host name or IP address (IPv6 without brackets).
        host: String,
        /// Port; 0 lets the host pick a free one.
        port: u16,
    },
    /// `local:NAME`: a Unix socket at `<temp dir>/NAME`, or at `NAME` if it is absolute.
    Local(String),
    /// `localabstract:NAME`: the Linux abstract Unix socket `\0NAME`.
    LocalAbstract(String),
}

impl Url {
    /// The socket path of a `local:` URL (Qt's `QDir::tempPath()/NAME`), `None` for others.
    pub fn socket_path(&self) -> Option<PathBuf> {
        match self {
            Self::Local(name) if name.starts_with('/') => Some(PathBuf::from(name)),
            Self::Local(name) => Some(std::env::temp_dir().join(name)),
            _ => None,
        }
    }
}

fn invalid(url: &str, reason: &'static str) -> Error {
    Error::InvalidUrl {
        url: url.to_owned(),
        reason,
    }
}

impl FromStr for Url {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if let Some(rest) = s.strip_prefix("tcp://") {
            let authority = rest.strip_suffix('/').unwrap_or(rest);
            let (host, port) = authority
                .rsplit_once(':')
                .ok_or_else(|| invalid(s, "a tcp URL needs a port"))?;
            let host = match host.strip_prefix('[') {
                Some(v6) => v6
                    .strip_suffix(']')
                    .ok_or_else(|| invalid(s, "unbalanced IPv6 brackets"))?,
                None if host.contains(':') => {
                    return Err(invalid(s, "an IPv6 host must be in brackets"));
                }
                None => host,
            };
            if host.contains(['/', '@', '?', '#']) {
                return Err(invalid(s, "a tcp URL is only host and port"));
            }
            let port = port
                .parse()
                .map_err(|_| invalid(s, "the port is not a number from 0 to 65535"))?;
            return Ok(Self::Tcp {
                host: host.to_owned(),
                port,
            });
        }
        let named = |name: &str, ctor: fn(String) -> Self| {
            if name.is_empty() {
                Err(invalid(s, "the socket name is empty"))
            } else if name.contains('\0') {
                Err(invalid(s, "the socket name contains a NUL"))
            } else {
                Ok(ctor(name.to_owned()))
            }
        };
        if let Some(name) = s.strip_prefix("localabstract:") {
            return named(name, Self::LocalAbstract);
        }
        if let Some(name) = s.strip_prefix("local:") {
            return named(name, Self::Local);
        }
        Err(invalid(s, "the scheme is not tcp, local or localabstract"))
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            Self::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Self::Local(name) => write!(f, "local:{name}"),
            Self::LocalAbstract(name) => write!(f, "localabstract:{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_scheme() {
        for (text, url) in [
            (
                "tcp://127.0.0.1:65511",
                Url::Tcp {
                    host: "127.0.0.1".into(),
                    port: 65511,
                },
            ),
            (
                "tcp://[::1]:0",
                Url::Tcp {
                    host: "::1".into(),
                    port: 0,
                },
            ),
            (
                "tcp://:5000",
                Url::Tcp {
                    host: String::new(),
                    port: 5000,
                },
            ),
            ("local:qtro_demo", Url::Local("qtro_demo".into())),
            (
                "localabstract:qtro_abs",
                Url::LocalAbstract("qtro_abs".into()),
            ),
        ] {
            assert_eq!(text.parse::<Url>().unwrap(), url);
            assert_eq!(url.to_string(), text);
        }
        assert_eq!(
            "tcp://localhost:1/".parse::<Url>().unwrap().to_string(),
            "tcp://localhost:1"
        );
    }

    #[test]
    fn local_sockets_live_in_the_temp_dir() {
        let url: Url = "local:qtro_demo_local".parse().unwrap();
        assert_eq!(
            url.socket_path(),
            Some(std::env::temp_dir().join("qtro_demo_local"))
        );
        let abs: Url = "local:/run/x.sock".parse().unwrap();
        assert_eq!(abs.socket_path(), Some(PathBuf::from("/run/x.sock")));
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in [
            "tcp://127.0.0.1",
            "tcp://127.0.0.1:99999",
            "tcp://host:port",
            "tcp://::1:5",
            "tcp://[::1:5",
            "tcp://a/b:5",
            "local:",
            "localabstract:",
            "qnx:x",
            "http://x:1",
            "",
        ] {
            assert!(
                matches!(bad.parse::<Url>(), Err(Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }
}
