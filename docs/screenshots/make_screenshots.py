"""Regenerate the page and dialog screenshots in docs/screenshots/ at 1366×768.

``.venv/bin/python docs/screenshots/make_screenshots.py`` runs the real-window fit tour
(``tests/ui/fit_child.py``, the one ``tests/ui/test_x11_fit.py`` checks) under Xvfb on a
1366×768 screen, on the real services and a temporary database, and saves each page and the key
dialogs as PNG (reduced to a 128-colour palette to keep the repository small).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fit.json"
        env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="1")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
        subprocess.run(
            [
                "xvfb-run",
                "-a",
                "-s",
                "-screen 0 1366x768x24",
                sys.executable,
                str(ROOT / "tests" / "ui" / "fit_child.py"),
                str(report),
                tmp,
            ],
            env=env,
            check=True,
        )
        problems = json.loads(report.read_text(encoding="utf-8"))["problems"]
        if problems:
            raise SystemExit("does not fit 1366×768:\n" + "\n".join(problems))
        for shot in sorted(Path(tmp).glob("*.png")):
            image = Image.open(shot).convert("RGB")
            small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=0)
            small.save(HERE / shot.name, optimize=True)
            print(HERE / shot.name)


if __name__ == "__main__":
    main()
