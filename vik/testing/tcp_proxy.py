"""A TCP proxy that a test can cut and restore: a database outage for real processes.

    proxy = TcpProxy("127.0.0.1", 5432)   # listens on 127.0.0.1:<proxy.port>
    proxy.cut()        # closes every open connection and every new one at once
    proxy.restore()    # forwards again

While cut, the proxy still accepts (so clients fail fast, "server closed the connection"),
but closes each connection without a byte forwarded.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.is_cut = False
        self.refused = 0
        self.stopped = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.is_cut = True
            doomed, self.open = self.open, set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        with self.lock:
            self.is_cut = False

    def stop(self) -> None:
        self.stopped = True
        self.cut()
        _close(self.listener)

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                cut = self.is_cut
            if cut:
                self.refused += 1
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.open.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.open.discard(source)
                self.open.discard(target)
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
