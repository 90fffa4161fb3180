"""SANE adapter (Linux): drives the ``scanimage`` program of sane-utils.

``scanimage --batch`` writes one PNG per page and reports on stderr ``Scanned page N. (scanner
status = S)``: status 5 (SANE_STATUS_EOF) is a whole page, anything else a fault on that page,
whose partial file is dropped. Pages already scanned are kept and returned with the error.
The feeder running out after at least one page is the normal end of a feeder batch.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

from .errors import (
    FeederEmptyError,
    ScanCancelledError,
    ScannerBusyError,
    ScannerCoverOpenError,
    ScannerError,
    ScannerJammedError,
    ScannerNotFoundError,
    ScannerUnavailableError,
)
from .port import ColourMode, PaperSource, ScanBatch, ScanControl, ScannerDevice, ScanSettings

log = logging.getLogger(__name__)

# SANE_Status values (sane/sane.h).
GOOD, CANCELLED, DEVICE_BUSY, EOF, JAMMED, NO_DOCS, COVER_OPEN, IO_ERROR = 0, 2, 3, 5, 6, 7, 8, 9
_PAGE_RE = re.compile(r"Scanned page (\d+)\. \(scanner status = (\d+)\)")
_OPEN_FAILED_RE = re.compile(r"open of device .* failed")
_MESSAGES = {
    "Document feeder jammed": JAMMED,
    "Document feeder out of documents": NO_DOCS,
    "Operation was cancelled": CANCELLED,
    "Operation was canceled": CANCELLED,
    "Device busy": DEVICE_BUSY,
    "Scanner cover is open": COVER_OPEN,
}
_FEEDER_WORDS = ("adf", "feeder", "duplex")


def _error_for(status: int, device: str, pages: int) -> ScannerError:
    if status == JAMMED:
        return ScannerJammedError(device=device, pages=pages)
    if status == NO_DOCS:
        return FeederEmptyError(device=device, pages=pages)
    if status == CANCELLED:
        return ScanCancelledError(device=device, pages=pages)
    if status == DEVICE_BUSY:
        return ScannerBusyError(device=device, pages=pages)
    if status == COVER_OPEN:
        return ScannerCoverOpenError(device=device, pages=pages)
    return ScannerError(device=device, pages=pages, status=status)


def parse_options(text: str) -> dict[str, tuple[list[str], str]]:
    """``scanimage -A`` output: option -> (choices, current) for list options."""
    out: dict[str, tuple[list[str], str]] = {}
    for m in re.finditer(r"^\s+--([\w-]+) ([^\[\n]*?) \[([^\]]*)\]", text, re.MULTILINE):
        name, choices, current = m.groups()
        if "|" in choices or not re.match(r"^[\d.]", choices):
            out[name] = ([c.strip() for c in choices.split("|")], current)
    return out


def pick_source(choices: list[str], want: PaperSource) -> str | None:
    feeder = next((c for c in choices if any(w in c.lower() for w in _FEEDER_WORDS)), None)
    flatbed = next((c for c in choices if "flatbed" in c.lower()), None)
    if want is PaperSource.FEEDER:
        return feeder
    if want is PaperSource.FLATBED:
        return flatbed
    return feeder or flatbed


def pick_mode(choices: list[str], want: ColourMode) -> str | None:
    aliases = {
        ColourMode.GRAY: ("gray", "grey", "grayscale", "true gray"),
        ColourMode.COLOR: ("color", "colour", "24bit color"),
        ColourMode.LINEART: ("lineart", "binary", "black & white"),
    }[want]
    return next((c for c in choices if c.lower() in aliases), None)


#: Seconds ``scanimage`` gets to exit once it has reported the end of its batch.
_EXIT_GRACE_S = 5.0


class ScanimageScanner:
    """The port over ``scanimage``; ``env`` lets tests point SANE at a config folder."""

    def __init__(
        self,
        program: str = "scanimage",
        env: Mapping[str, str] | None = None,
        timeout: float = 600,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self._program = program
        self._extra = extra_args  # device options set by the IT officer
        self._env = dict(os.environ if env is None else env)
        self._timeout = timeout

    def _exe(self) -> str:
        exe = shutil.which(self._program, path=self._env.get("PATH"))
        if exe is None:
            raise ScannerUnavailableError(adapter="sane", program=self._program)
        return exe

    def devices(self) -> list[ScannerDevice]:
        out = subprocess.run(
            [self._exe(), "-f", "%d\t%v %m%n"],
            capture_output=True,
            text=True,
            env=self._env,
            timeout=60,
            check=False,
        )
        devices = []
        for line in out.stdout.splitlines():
            name, _, label = line.partition("\t")
            if name:
                opts = self.options(name)
                feeder = pick_source(opts.get("source", ([], ""))[0], PaperSource.FEEDER)
                devices.append(ScannerDevice(name, label.strip(), feeder is not None))
        return devices

    def options(self, device: str) -> dict[str, tuple[list[str], str]]:
        out = subprocess.run(
            [self._exe(), "-d", device, "-A"],
            capture_output=True,
            text=True,
            env=self._env,
            timeout=60,
            check=False,
        )
        if out.returncode != 0 or _OPEN_FAILED_RE.search(out.stderr):
            raise ScannerNotFoundError(device=device)
        return parse_options(out.stdout)

    def command(self, device: str, settings: ScanSettings, out_dir: Path) -> list[str]:
        opts = self.options(device)
        cmd = [self._exe(), "-d", device, "--format=png", f"--resolution={settings.resolution}"]
        mode = pick_mode(opts.get("mode", ([], ""))[0], settings.mode)
        if mode:
            cmd.append(f"--mode={mode}")
        source = pick_source(opts.get("source", ([], ""))[0], settings.source)
        if settings.source is PaperSource.FEEDER and source is None:
            raise FeederEmptyError(device=device, pages=0, reason="no_feeder")
        if source:
            cmd.append(f"--source={source}")
        feeder = source is not None and any(w in source.lower() for w in _FEEDER_WORDS)
        count = settings.max_pages if feeder else 1
        cmd += list(self._extra)
        cmd += [f"--batch={out_dir / 'page-%04d.png'}", f"--batch-count={count}"]
        return cmd

    def scan(
        self, device: str, settings: ScanSettings, out_dir: Path, control: ScanControl
    ) -> ScanBatch:
        out_dir.mkdir(parents=True, exist_ok=True)
        cmd = self.command(device, settings, out_dir)
        feeder = any(a.startswith("--source=") and "flatbed" not in a.lower() for a in cmd)
        log.debug("scan: %s", cmd)
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self._env,
            cwd=out_dir,
        )
        watcher = threading.Thread(target=self._watch_cancel, args=(proc, control), daemon=True)
        watcher.start()
        pages: list[Path] = []
        fault: int | None = None
        open_failed = False
        batch_ended = False
        pending: list[tuple[int, int]] = []  # pages reported, file maybe not yet renamed

        def settle() -> None:
            nonlocal fault
            for n, status in pending:
                path = out_dir / f"page-{n:04d}.png"
                if status == EOF and path.is_file() and path.stat().st_size > 0:
                    pages.append(path)
                    control.on_page(len(pages), path)
                else:
                    path.unlink(missing_ok=True)
                    (out_dir / f"page-{n:04d}.png.part").unlink(missing_ok=True)
                    fault = status if status != EOF else IO_ERROR
            pending.clear()

        assert proc.stderr is not None
        for line in proc.stderr:
            if _OPEN_FAILED_RE.search(line):
                open_failed = True
            for text, status in _MESSAGES.items():
                if text in line and fault is None:
                    fault = status
            if line.startswith("Scanning page") or line.startswith("Batch terminated"):
                settle()
            m = _PAGE_RE.search(line)
            if m is not None:
                pending.append((int(m.group(1)), int(m.group(2))))
            if line.startswith("Batch terminated"):
                batch_ended = True  # scanimage's last line: its pages and faults are known
                break
        try:
            rc = proc.wait(timeout=_EXIT_GRACE_S if batch_ended else self._timeout)
        except subprocess.TimeoutExpired:
            if not batch_ended:
                raise
            # Some backends (SANE's own test backend among them) now and then never return
            # from their clean-up after the batch ended; the pages are on disk already.
            log.warning("scanimage did not exit after its batch ended; stopped")
            proc.kill()
            proc.wait()
            rc = 0
        proc.stderr.close()
        watcher.join()  # ends with the process
        settle()
        if open_failed:
            return ScanBatch((), ScannerNotFoundError(device=device))
        if fault is None and rc not in (0, NO_DOCS):
            fault = rc
        if fault == NO_DOCS and pages and feeder:
            fault = None  # the feeder emptied: the normal end of a batch
        if fault == CANCELLED or control.cancel.is_set() or rc < 0:
            return ScanBatch(tuple(pages), ScanCancelledError(device=device, pages=len(pages)))
        if fault is None and not pages:
            fault = NO_DOCS
        return ScanBatch(
            tuple(pages), None if fault is None else _error_for(fault, device, len(pages))
        )

    @staticmethod
    def _watch_cancel(proc: subprocess.Popen[str], control: ScanControl) -> None:
        while proc.poll() is None:
            if control.cancel.wait(0.05) and proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # scanimage cancels the scan cleanly
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                return
