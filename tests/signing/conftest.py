"""Fixtures of the signing tests: a SoftHSM2 token with a test CA's clerk certificates.

SoftHSM2 reads ``$SOFTHSM2_CONF`` once, when the module is first initialised in the process,
so one token directory serves the whole session; each token is made once.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.context import AppContext
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.services.signing import SigningService


def _load(name: str) -> ModuleType:
    full = f"motcua_tests_signing_{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.spec_from_file_location(full, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


pki = _load("pki")


@dataclass(frozen=True)
class HsmWorld:
    module: str
    token: str
    ca: object  # pki.TestCA
    clerk: object  # pki.Clerk, valid now
    expired: object  # pki.Clerk, expired yesterday
    future: object  # pki.Clerk, valid from next month
    other_ca: object  # a CA the unit does not trust
    stranger: object  # pki.Clerk issued by other_ca
    trust_file: Path


@pytest.fixture(scope="session")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HsmWorld]:
    if not pki.softhsm_available():
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    (base / "softhsm2.conf").write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(base / "softhsm2.conf")
    pki.init_token(base, "clerk")
    ca = pki.make_ca()
    other = pki.make_ca("CA lạ")
    now = pki.NOW
    clerk = pki.put_clerk(
        "clerk",
        ca,
        "Nguyễn Thị Lan",
        "01",
        not_before=now - timedelta(days=30),
        not_after=now + timedelta(days=700),
    )
    expired = pki.put_clerk(
        "clerk",
        ca,
        "Trần Văn Hết Hạn",
        "02",
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=1),
    )
    future = pki.put_clerk(
        "clerk",
        ca,
        "Lê Chưa Hiệu Lực",
        "03",
        not_before=now + timedelta(days=30),
        not_after=now + timedelta(days=400),
    )
    stranger = pki.put_clerk(
        "clerk",
        other,
        "Người Lạ",
        "04",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=100),
    )
    trust = base / "trust.pem"
    trust.write_bytes(ca.pem())
    yield HsmWorld(
        module=pki.SOFTHSM_MODULE,
        token="clerk",
        ca=ca,
        clerk=clerk,
        expired=expired,
        future=future,
        other_ca=other,
        stranger=stranger,
        trust_file=trust,
    )
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


@pytest.fixture(scope="session")
def tsa_url(hsm: HsmWorld) -> Iterator[str]:
    key, cert = pki.make_tsa_cert(hsm.ca)
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    with serving_tsa(stamper) as url:
        yield url + "tsa"


@contextlib.contextmanager
def serving_tsa(stamper: DummyTimeStamper) -> Iterator[str]:
    """An RFC 3161 timestamp server on 127.0.0.1 answering with ``stamper``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            req = tsp.TimeStampReq.load(body)
            resp = asyncio.run(stamper.async_request_tsa_response(req)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# ---- a real application context on a temporary SQLite file --------------------------------

UNIT = UnitSetup(
    agency_id="000.00.06.H56",
    agency_name="Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
    managing_body="UBND phường Hạc Thành",
    counter_name="Quầy số 1",
    place_name="Thanh Hóa",
    province="Thanh Hóa",
)
HOA = Person(
    full_name="Lê Thị Hoa",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    sex=Sex.FEMALE,
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)


@pytest.fixture
def ctx(tmp_path: Path, hsm: HsmWorld) -> Iterator[AppContext]:
    paths = AppPaths(data_dir=tmp_path / "data", log_dir=tmp_path / "logs")
    context = build_context(paths, lambda: datetime(2023, 10, 27, 9, 32, tzinfo=OFFICE_TZ))
    context.settings_store.update(
        signing_module=hsm.module,
        signing_token=hsm.token,
        signing_cert_id=hsm.clerk.cert_id,
        signing_trust_roots=str(hsm.trust_file),
    )
    yield context
    assert context.signing is not None
    context.signing.logout()


@pytest.fixture
def admin(ctx: AppContext):  # type: ignore[no-untyped-def]
    return ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")


@pytest.fixture
def signing(ctx: AppContext) -> SigningService:
    assert ctx.signing is not None
    return ctx.signing


@pytest.fixture
def dossier(ctx, admin):  # type: ignore[no-untyped-def]
    return ctx.reception.receive(IntakeDraft("1.014137", HOA), admin).value
