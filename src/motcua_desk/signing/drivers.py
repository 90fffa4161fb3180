"""Where the PKCS#11 modules of common tokens usually live: suggestions for the settings page.

The Vietnamese CAs ship Windows installers whose module names change between versions; the
paths below are the usual ones and must be checked against the CA's installer on site. Any
other path can be typed in. Only the paths that exist on this machine are offered.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KnownModule:
    vendor: str  # shown as is (a brand name)
    path: str


KNOWN_MODULES: tuple[KnownModule, ...] = (
    # VNPT-CA, Viettel-CA, FPT-CA and Ban Cơ yếu issue mostly SafeNet/Thales eToken and
    # Feitian ePass2003 devices; their drivers install these modules.
    KnownModule("SafeNet eToken (VNPT-CA, Ban Cơ yếu)", r"C:\Windows\System32\eTPKCS11.dll"),
    KnownModule("Feitian ePass2003 (Viettel-CA, FPT-CA)", r"C:\Windows\System32\eps2003csp11.dll"),
    KnownModule("VNPT-CA", r"C:\Windows\System32\vnptca_p11_v8.dll"),
    KnownModule("Viettel-CA", r"C:\Windows\System32\viettel-ca_v6.dll"),
    KnownModule("SafeNet eToken", "/usr/lib/libeTPkcs11.so"),
    KnownModule("OpenSC (ePass2003 và thẻ khác)", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
    KnownModule("SoftHSM2 (thử nghiệm)", "/usr/lib/softhsm/libsofthsm2.so"),
)


def available_modules() -> list[KnownModule]:
    """The known modules whose file exists here."""
    return [m for m in KNOWN_MODULES if os.path.isfile(m.path)]
