"""One running app per database, with a QLocalServer.

The server name is derived from the database path, so two data directories can run side by
side. A second start sends ``activate`` to the first and exits.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)


def server_name(db_file: Path) -> str:
    digest = hashlib.sha256(str(db_file.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"motcua_desk-{digest}"


class SingleInstanceGuard(QObject):
    """Owns the local server while this process is the running instance."""

    #: Another start asked this instance to come to the front.
    activation_requested = Signal()

    def __init__(self, db_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(db_file)
        self._server: QLocalServer | None = None

    def acquire(self, timeout_ms: int = 500) -> bool:
        """True if we are the only instance; False after notifying the running one."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(timeout_ms):
            socket.write(b"activate\n")
            socket.waitForBytesWritten(timeout_ms)
            socket.disconnectFromServer()
            return False
        server = QLocalServer(self)
        if not server.listen(self.name):
            # A crashed instance can leave a stale socket file behind (Unix).
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.error("cannot listen on %s: %s", self.name, server.errorString())
                return True  # do not lock the clerk out because of a socket problem
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        return True

    @Slot()
    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (conn := self._server.nextPendingConnection()) is not None:
            conn.disconnected.connect(conn.deleteLater)
            self.activation_requested.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
