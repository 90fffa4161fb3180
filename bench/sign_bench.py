"""Signing benchmark: a one-page Mẫu 01 signed on a PKCS#11 token (SoftHSM2) vs the same
signature with the key in memory.

    .venv/bin/python bench/sign_bench.py            # 30 signatures each
    .venv/bin/python bench/sign_bench.py --n 100

Target (issue 16): median <= 300 ms per signature on the 2-core machine. Each signature is a
full PAdES B-B: the visible stamp drawn for the form's signature field, the incremental update,
the CMS signature (RSA-2048, SHA-256) made by the token through python-pkcs11.

The floor, measured in the same run, alternating with the token: pyHanko's in-memory signer
(``SimpleSigner``) with a key of the same size: everything but the token's part. The
difference is what the PKCS#11 round trip costs. Signing runs on the desk's worker lane, never
on the GUI thread.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _pki():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_pki", ROOT / "tests" / "signing" / "pki.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_pki"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="sign_bench_"))
    (base / "tokens").mkdir()
    (base / "softhsm2.conf").write_text(f"directories.tokendir = {base / 'tokens'}\n")
    os.environ["SOFTHSM2_CONF"] = str(base / "softhsm2.conf")

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from motcua_desk.printing.slips.sigfield import CLERK_SIGNATURE_FIELD
    from motcua_desk.printing.stamp import render_stamp
    from motcua_desk.signing.keyfile import InMemoryKey
    from motcua_desk.signing.pades import SignRequest
    from motcua_desk.signing.pkcs11_token import Pkcs11Tokens

    pki = _pki()
    pki.init_token(base, "clerk")
    ca = pki.make_ca()
    now = datetime.now(UTC)
    pki.put_clerk(
        "clerk",
        ca,
        "Nguyễn Thị Lan",
        "01",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
    )
    token = Pkcs11Tokens(lambda: datetime.now(UTC)).open(pki.SOFTHSM_MODULE, "clerk", "01", pki.PIN)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = ca.issue(
        key.public_key(),
        "Nguyễn Thị Lan",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
    )
    memory = InMemoryKey(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.DER),
        lambda: datetime.now(UTC),
    )
    pdf = pki.receipt_pdf()
    lines = (
        "Ký bởi: Nguyễn Thị Lan",
        "Công chức tiếp nhận hồ sơ",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Thời gian ký: 10:15 12/02/2026",
    )
    req = SignRequest(
        stamp=lambda w, h: render_stamp(lines, w, h), field_name=CLERK_SIGNATURE_FIELD
    )
    for signer in (token, memory):  # warm-up: fonts registered, pyHanko modules loaded
        signer.sign(pdf, req)
    times: dict[str, list[float]] = {"token": [], "memory": []}
    for _ in range(args.n):
        for name, signer in (("token", token), ("memory", memory)):
            t0 = time.perf_counter()
            signer.sign(pdf, req)
            times[name].append((time.perf_counter() - t0) * 1000)
    token.close()
    tok = statistics.median(times["token"])
    floor = statistics.median(times["memory"])
    print(f"one-page receipt ({len(pdf)} bytes), n={args.n}")
    print(
        f"  SoftHSM2 token  median {tok:7.1f} ms   p90 {sorted(times['token'])[int(args.n * 0.9) - 1]:7.1f} ms"
    )
    print(
        f"  in-memory floor median {floor:7.1f} ms   p90 {sorted(times['memory'])[int(args.n * 0.9) - 1]:7.1f} ms"
    )
    print(
        f"  token overhead  {tok - floor:+7.1f} ms   target <= 300 ms: {'OK' if tok <= 300 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
