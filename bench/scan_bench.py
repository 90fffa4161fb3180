"""Digitisation benchmark (issue 15): feeder scan to a stored PDF, page size, OCR, upload.

    .venv/bin/python bench/scan_bench.py                  # 5 and 10 pages, 7 runs each
    .venv/bin/python bench/scan_bench.py --runs 11 --no-ocr --no-upload

Scan: SANE's ``test`` device through ``scanimage`` (feeder, 200 dpi greyscale, 200 x 200 mm,
the largest page the test device makes), then the app's path: pages into the draft store,
img2pdf/pikepdf assembly, the content-addressed store, the attachment row and its outbox event
(``DigitisationService.scan`` + ``save`` on a real SQLite file). The floor, measured in the same
run: the same ``scanimage`` batch command alone. Reported: medians, and the app's cost per page
over the floor (target: <= 100 ms per page on top of the scanner's own time).

Size: an A4 page of Vietnamese text rendered, rasterised at 200 dpi greyscale (pdftoppm), and
saved through the import path (target <= 300 KB).

OCR: ``ocrmypdf -l vie`` on that page, seconds per page (runs in its own process).

Straightening (deskew and auto-rotate without OCR, imaging/straighten.py), per A4 page at
200 dpi: skew detection on a straight page, deskew of a page skewed 4°, Tesseract's orientation
detection; floor: decoding and re-encoding the same PNG with Pillow.

Upload: 100 MB of attachment files to a real server process over loopback, with 3 connections
dropped mid-upload; reports bytes sent against the file size (at most one chunk more per drop).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "sync"))

import httpx  # noqa: E402

from motcua_desk.bootstrap import build_context  # noqa: E402
from motcua_desk.config import AppPaths  # noqa: E402
from motcua_desk.domain.digitisation import PaperMeta, Source  # noqa: E402
from motcua_desk.domain.dossier import ChecklistItem, Dossier, Person, Status  # noqa: E402
from motcua_desk.imaging.port import ScanControl, ScanSettings  # noqa: E402
from motcua_desk.imaging.sane import ScanimageScanner  # noqa: E402

GEOMETRY = ("-x", "200", "-y", "200")


def sane_env(tmp: Path) -> dict[str, str]:
    conf = tmp / "sane.d"
    conf.mkdir(exist_ok=True)
    (conf / "dll.conf").write_text("test\n")
    return dict(os.environ, SANE_CONFIG_DIR=str(conf))


def floor_scan(env: dict[str, str], out: Path, pages: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    cmd = ["scanimage", "-d", "test:0", "--format=png", "--resolution=200", "--mode=Gray",
           "--source=Automatic Document Feeder", *GEOMETRY, f"--batch={out}/p%04d.png",
           f"--batch-count={pages}"]  # fmt: skip
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def bench_scan(tmp: Path, runs: int, pages: int) -> None:
    env = sane_env(tmp)
    paths = AppPaths(tmp / f"data{pages}", tmp / "logs")
    ctx = build_context(paths, seed=False)
    svc = ctx.digitisation
    assert svc is not None
    now = datetime.now(UTC)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        d = uow.dossiers.add(
            Dossier(
                sync_id="00000000-0000-4000-8000-000000000001",
                code="000.00.06.H56-261203-0001",
                agency_id="000.00.06.H56",
                procedure_code="1.001193",
                procedure_name="Đăng ký khai sinh",
                applicant=Person("Nguyễn Thị Ngọc Huyền", "038195001234"),
                received_at=now,
                due_at=None,
                status=Status.RECEIVED,
                checklist=(ChecklistItem("Giấy chứng sinh", received=True),),
            )
        )
        uow.commit()
    assert d.id is not None
    scanner = ScanimageScanner(env=env, extra_args=GEOMETRY)
    settings = ScanSettings(max_pages=pages)
    floors, apps, sizes = [], [], []
    for i in range(runs):
        floors.append(floor_scan(env, tmp / "floor", pages))
        t = time.perf_counter()
        outcome = svc.scan(scanner, "test:0", settings, ScanControl())
        assert outcome.error is None and len(outcome.pages) == pages, outcome
        # A different page order each run, so each save assembles and stores a new PDF.
        order = outcome.pages[i % pages :] + outcome.pages[: i % pages]
        att = svc.save(d.id, 0, order, PaperMeta(), "bench")
        apps.append(time.perf_counter() - t)
        sizes.append(att.size)
    f, a = statistics.median(floors), statistics.median(apps)
    print(
        f"scan {pages} pages (feeder, 200 dpi grey, 200x200 mm), {runs} runs: "
        f"floor scanimage {f * 1000:.0f} ms ({f / pages * 1000:.1f} ms/page); "
        f"scan+store PDF {a * 1000:.0f} ms ({a / pages * 1000:.1f} ms/page); "
        f"app adds {(a - f) / pages * 1000:.1f} ms/page; PDF {statistics.median(sizes) / 1024:.0f} KB"
    )


def a4_text_page(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from imaging.conftest import render_text_page

    pdf = render_text_page(tmp / "a4.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(pdf), str(tmp / "a4")],
        check=True,
    )
    return tmp / "a4.png"


def bench_size_and_ocr(tmp: Path, runs: int, ocr: bool) -> None:
    from motcua_desk.imaging.assemble import PageSource, assemble
    from motcua_desk.imaging.ocr import ocr_pdf

    png = a4_text_page(tmp)
    out = tmp / "a4-page.pdf"
    assemble([PageSource(png, "image/png")], out)
    print(f"A4 text page, 200 dpi greyscale, stored PDF: {out.stat().st_size / 1024:.0f} KB")
    if not ocr:
        return
    times = []
    for i in range(max(3, runs // 2)):
        t = time.perf_counter()
        ocr_pdf(out, tmp / f"ocr{i}.pdf")
        times.append(time.perf_counter() - t)
    print(
        f"OCR (ocrmypdf -l vie, PDF/A, deskew), {len(times)} runs: "
        f"median {statistics.median(times):.2f} s/page "
        f"(searchable PDF {(tmp / 'ocr0.pdf').stat().st_size / 1024:.0f} KB)"
    )


class DropThree(httpx.BaseTransport):
    """Real loopback HTTP; the 3rd, 40th and 80th upload chunks lose their connection."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.puts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts += 1
            if self.puts in (3, 40, 80):
                raise httpx.WriteError("injected drop", request=request)
        return self.inner.handle_request(request)


def bench_upload(tmp: Path) -> None:
    from sync_support import enrol_over_http, free_port, start_server_process

    from motcua_desk.sync.blobs import BlobClient
    from motcua_server.db import make_engine

    port = free_port()
    url = f"sqlite:///{tmp / 'server.db'}"
    proc = start_server_process(url, port, extra=("--blob-dir", str(tmp / "blobs")))
    try:
        base = f"http://127.0.0.1:{port}"
        res = enrol_over_http(make_engine(url), base, "000.00.06.H56", "Quầy 1")
        files = []
        for i in range(10):  # 10 papers of 10 MB
            data = os.urandom(10 * 1024 * 1024)
            path = tmp / f"f{i}.pdf"
            path.write_bytes(data)
            files.append((hashlib.sha256(data).hexdigest(), path))
        total = sum(p.stat().st_size for _, p in files)
        client = BlobClient(base, res.token, transport=DropThree())
        t = time.perf_counter()
        drops = 0
        for sha, path in files:
            while True:
                try:
                    client.upload(sha, path)
                    break
                except Exception as exc:
                    if getattr(exc, "code", "") != "sync_network":
                        raise
                    drops += 1
        elapsed = time.perf_counter() - t
        extra = client.bytes_sent - total
        print(
            f"upload {total / 2**20:.0f} MB over loopback with {drops} dropped connections: "
            f"{elapsed:.1f} s ({total / 2**20 / elapsed:.0f} MB/s); bytes sent {client.bytes_sent:,} "
            f"= size + {extra:,} ({extra / 2**20:.1f} chunk(s) of 1 MiB resent)"
        )
        client.close()
    finally:
        proc.terminate()
        proc.wait()


def bench_gui_during_ocr(tmp: Path) -> None:
    """The digitisation dialog's path off the GUI thread: OCR of 3 pages on the runner's I/O
    lane while a 5 ms QTimer heartbeat on the GUI thread records the longest gap."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from motcua_desk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    paths = AppPaths(tmp / "gui", tmp / "gui-logs")
    ctx = build_context(paths, seed=False)
    svc = ctx.digitisation
    assert svc is not None
    png = a4_text_page(tmp)
    now = datetime.now(UTC)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        d = uow.dossiers.add(
            Dossier(
                sync_id="00000000-0000-4000-8000-000000000002",
                code="000.00.06.H56-261203-0002",
                agency_id="000.00.06.H56",
                procedure_code="1.001193",
                procedure_name="Đăng ký khai sinh",
                applicant=Person("Nguyễn Thị Ngọc Huyền", "038195001234"),
                received_at=now,
                due_at=None,
                status=Status.RECEIVED,
                checklist=(ChecklistItem("Giấy chứng sinh", received=True),),
            )
        )
        uow.commit()
    assert d.id is not None
    pages = svc.import_file(png) * 3
    att = svc.save(d.id, 0, pages, PaperMeta(), "bench", Source.IMPORTED)
    runner = TaskRunner()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat() -> None:
        t = clock.elapsed()
        gaps.append(t - last[0])
        last[0] = t

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(beat)
    timer.start()
    done: list[float] = []
    t0 = time.perf_counter()
    runner.io(lambda: svc.run_ocr(att.sync_id), lambda _r: done.append(time.perf_counter() - t0))
    while not done:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    runner.shutdown()
    print(
        f"OCR of a 3-page paper on the I/O lane: {done[0]:.1f} s ({done[0] / 3:.2f} s/page); "
        f"longest GUI-thread gap {max(gaps):.0f} ms over {len(gaps)} heartbeats of 5 ms"
    )


def bench_straighten(tmp: Path, runs: int) -> None:
    from PIL import Image

    from motcua_desk.imaging.straighten import deskew_image, detect_skew, detect_turn

    png = a4_text_page(tmp)
    bent = tmp / "bent.png"
    with Image.open(png) as im:
        im.rotate(4, resample=Image.Resampling.BICUBIC, fillcolor=255).save(bent, dpi=(200, 200))

    def timed(fn: object) -> float:
        assert callable(fn)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    def floor() -> None:
        with Image.open(png) as im:
            im.load()
            im.save(tmp / "floor.png")

    f = timed(floor)
    straight = timed(lambda: detect_skew(png))
    deskew = timed(lambda: deskew_image(bent, tmp / "straight.png"))
    turn = timed(lambda: detect_turn(png))
    print(
        f"straighten (A4 200 dpi grey), {runs} runs: floor PNG decode+encode {f * 1000:.0f} ms; "
        f"skew check of a straight page {straight * 1000:.0f} ms; deskew of a 4° page "
        f"{deskew * 1000:.0f} ms; orientation (tesseract --psm 0) {turn * 1000:.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--no-upload", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_scan(tmp, args.runs, 5)
        bench_scan(tmp, args.runs, 10)
        bench_size_and_ocr(tmp, args.runs, not args.no_ocr)
        bench_straighten(tmp, args.runs)
        if not args.no_ocr:
            bench_gui_during_ocr(tmp)
        if not args.no_upload:
            bench_upload(tmp)


if __name__ == "__main__":
    main()
