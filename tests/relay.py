"""A TCP relay to the database server that a test can cut, as if the server went down."""

import socket
import threading
from contextlib import suppress


class Relay:
    """Listens on a loopback port and passes every connection on to `host:port`, until cut."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._up = True
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones, like a stopped server."""
        with self._lock:
            self._up = False
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def restore(self) -> None:
        """Pass connections on again."""
        with self._lock:
            self._up = True

    def close(self) -> None:
        """Stop listening and drop everything."""
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                if not self._up:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self._target, timeout=5)
                    server.settimeout(None)
                except OSError:
                    client.close()
                    continue
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    for sock in (source, sink):
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
