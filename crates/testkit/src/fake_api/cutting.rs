//! The fake's listener, which can cut every connection it accepts (a network gone bad).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::state::Inner;

/// The fake's listener, whose connections [`FakeApi::drop_connections`] cuts.
pub(super) struct Cutting {
    pub(super) listener: tokio::net::TcpListener,
    pub(super) inner: Arc<Inner>,
}

impl axum::serve::Listener for Cutting {
    type Io = CutStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (CutStream, std::net::SocketAddr) {
        loop {
            let (stream, address) = axum::serve::Listener::accept(&mut self.listener).await;
            if !self.inner.cutting.load(Ordering::SeqCst) {
                return (CutStream { stream, inner: self.inner.clone() }, address);
            }
            self.inner.faults.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }
}

/// A connection that fails its reads and writes while connections are being cut.
pub(super) struct CutStream {
    stream: tokio::net::TcpStream,
    inner: Arc<Inner>,
}

impl CutStream {
    fn cut(&self) -> bool {
        let cut = self.inner.cutting.load(Ordering::SeqCst);
        if cut {
            self.inner.faults.fetch_add(1, Ordering::SeqCst);
        }
        cut
    }
}

fn reset() -> std::io::Error {
    std::io::ErrorKind::ConnectionReset.into()
}

impl tokio::io::AsyncRead for CutStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.cut() {
            return std::task::Poll::Ready(Err(reset()));
        }
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for CutStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.cut() {
            return std::task::Poll::Ready(Err(reset()));
        }
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
