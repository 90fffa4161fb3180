"""Key/value state of the sync engine (pull cursor, device credentials)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..orm import SyncStateRow


class SyncStateRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, key: str) -> str | None:
        row = self._s.get(SyncStateRow, key)
        return None if row is None else row.value

    def set(self, key: str, value: str) -> None:
        row = self._s.get(SyncStateRow, key)
        if row is None:
            self._s.add(SyncStateRow(key=key, value=value))
        else:
            row.value = value
        self._s.flush()

    def delete(self, key: str) -> None:
        row = self._s.get(SyncStateRow, key)
        if row is not None:
            self._s.delete(row)
            self._s.flush()
