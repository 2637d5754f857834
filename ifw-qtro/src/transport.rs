//! Byte streams for each [`Url`] scheme: a [`Listener`] for hosts, [`connect`] for nodes, and
//! the [`Stream`] both produce. The QtRO framing is the same over every one of them.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};

use crate::error::{Error, Result};
use crate::url::Url;

/// A connected byte stream over TCP or a Unix socket.
#[derive(Debug)]
pub enum Stream {
    /// A TCP connection (`TCP_NODELAY` set).
    Tcp(TcpStream),
    /// A Unix socket connection (`local:` or `localabstract:`).
    Unix(UnixStream),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Self::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Self::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_flush(cx),
            Self::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Self::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

#[derive(Debug)]
enum Socket {
    Tcp(TcpListener),
    Unix(UnixListener),
}

/// A listening socket for a host.
///
/// A `local:` listener removes its socket file when dropped, as `QLocalServer` does on close.
#[derive(Debug)]
pub struct Listener {
    socket: Socket,
    url: Url,
    socket_file: Option<PathBuf>,
}

impl Listener {
    /// Listens on `url`.
    ///
    /// `tcp://` with an empty host listens on every IPv4 interface; port 0 picks a free port
    /// (see [`Listener::url`]). `local:` replaces a *stale* socket file (one nobody accepts
    /// on), like Qt; unlike Qt it refuses to take over the path of a live server.
    pub async fn bind(url: &Url) -> Result<Self> {
        let failed = |source| Error::ListenFailed {
            url: url.to_string(),
            source,
        };
        match url {
            Url::Tcp { host, port } => {
                let host = if host.is_empty() { "0.0.0.0" } else { host };
                let listener = TcpListener::bind((host, *port)).await.map_err(failed)?;
                let local = listener.local_addr().map_err(failed)?;
                Ok(Self {
                    socket: Socket::Tcp(listener),
                    url: Url::Tcp {
                        host: local.ip().to_string(),
                        port: local.port(),
                    },
                    socket_file: None,
                })
            }
            Url::Local(_) => {
                let path = url
                    .socket_path()
                    .ok_or_else(|| failed(io::ErrorKind::InvalidInput.into()))?;
                let listener = match UnixListener::bind(&path) {
                    Ok(l) => l,
                    Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                        if UnixStream::connect(&path).await.is_ok() {
                            return Err(failed(e));
                        }
                        tracing::debug!(path = %path.display(), "replacing stale socket file");
                        std::fs::remove_file(&path).map_err(failed)?;
                        UnixListener::bind(&path).map_err(failed)?
                    }
                    Err(e) => return Err(failed(e)),
                };
                Ok(Self {
                    socket: Socket::Unix(listener),
                    url: url.clone(),
                    socket_file: Some(path),
                })
            }
            Url::LocalAbstract(name) => Ok(Self {
                socket: Socket::Unix(abstract_socket::bind(name).map_err(failed)?),
                url: url.clone(),
                socket_file: None,
            }),
        }
    }

    /// The URL peers can connect to (for `tcp://…:0`, with the port actually bound).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Waits for the next connection.
    pub async fn accept(&self) -> Result<Stream> {
        match &self.socket {
            Socket::Tcp(l) => {
                let (s, _) = l.accept().await?;
                s.set_nodelay(true)?;
                Ok(Stream::Tcp(s))
            }
            Socket::Unix(l) => Ok(Stream::Unix(l.accept().await?.0)),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(path) = &self.socket_file {
            // Best effort, as QLocalServer::close: a failure leaves a stale file the next
            // bind replaces.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Connects to a host at `url`.
pub async fn connect(url: &Url) -> Result<Stream> {
    let failed = |source| Error::ConnectFailed {
        url: url.to_string(),
        source,
    };
    match url {
        Url::Tcp { host, port } => {
            let s = TcpStream::connect((host.as_str(), *port))
                .await
                .map_err(failed)?;
            s.set_nodelay(true).map_err(failed)?;
            Ok(Stream::Tcp(s))
        }
        Url::Local(_) => {
            let path = url
                .socket_path()
                .ok_or_else(|| failed(io::ErrorKind::InvalidInput.into()))?;
            Ok(Stream::Unix(
                UnixStream::connect(path).await.map_err(failed)?,
            ))
        }
        Url::LocalAbstract(name) => Ok(Stream::Unix(
            abstract_socket::connect(name).await.map_err(failed)?,
        )),
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod abstract_socket {
    //! Abstract Unix sockets (`\0NAME`), through std's socket-address API.

    use std::io;
    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};

    pub(super) fn bind(name: &str) -> io::Result<tokio::net::UnixListener> {
        let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
        let listener = UnixListener::bind_addr(&addr)?;
        listener.set_nonblocking(true)?;
        tokio::net::UnixListener::from_std(listener)
    }

    pub(super) async fn connect(name: &str) -> io::Result<tokio::net::UnixStream> {
        let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
        // std only connects to an abstract address synchronously; keep it off the runtime.
        let stream = tokio::task::spawn_blocking(move || UnixStream::connect_addr(&addr))
            .await
            .map_err(io::Error::other)??;
        stream.set_nonblocking(true)?;
        tokio::net::UnixStream::from_std(stream)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod abstract_socket {
    //! Abstract Unix sockets exist on Linux and Android only.

    use std::io;

    fn unsupported() -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "localabstract: needs Linux or Android",
        )
    }

    pub(super) fn bind(_name: &str) -> io::Result<tokio::net::UnixListener> {
        Err(unsupported())
    }

    pub(super) async fn connect(_name: &str) -> io::Result<tokio::net::UnixStream> {
        Err(unsupported())
    }
}
