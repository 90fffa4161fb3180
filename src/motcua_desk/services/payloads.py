"""Payloads of the outbox events the services write.

One builder per event kind, defined beside the wire format in ``motcua_desk.sync.payloads`` so
the desk writes exactly what the provincial server validates.
"""

from __future__ import annotations

from typing import Any

from motcua_desk.domain.dossier import Dossier
from motcua_desk.sync.protocol import dossier_received_payload


def dossier_payload(d: Dossier) -> dict[str, Any]:
    """Full state of a dossier as sent with ``dossier.received``."""
    return dossier_received_payload(d)
