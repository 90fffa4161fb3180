"""The counter's number in provisional dossier codes (``…-T<device>-<n>``, issue 14).

Provisional codes of two counters must differ, since citizens hold them until the server's code
arrives: the number comes from the counter's name ("Quầy 2" → 2) when it has one, else it is
drawn once at random, and it is kept (``sync_state``), also across enrolment.
"""

from __future__ import annotations

import re
import secrets

from motcua_desk.storage.uow import UnitOfWork

DEVICE_NO_KEY = "device_no"
_DIGITS = re.compile(r"(\d{1,2})(?!.*\d)")


def device_number(uow: UnitOfWork, counter_name: str) -> int:
    """This counter's provisional-code number (1–99), chosen once and stored."""
    stored = uow.sync_state.get(DEVICE_NO_KEY)
    if stored and stored.isdigit() and 1 <= int(stored) <= 99:
        return int(stored)
    m = _DIGITS.search(counter_name or "")
    number = int(m.group(1)) if m and 1 <= int(m.group(1)) <= 99 else secrets.randbelow(99) + 1
    uow.sync_state.set(DEVICE_NO_KEY, str(number))
    return number
