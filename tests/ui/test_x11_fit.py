"""Every page and dialog fits the counter's screen (issue 12 §1), in real windows under Xvfb.

Each case runs ``fit_child.py`` in its own Xvfb server: 1366×768 and 1280×720 at 100 %, and a
1920×1080 screen at 125 % and 150 % (``QT_SCALE_FACTOR``: logical 1536×864 and 1280×720).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.x11

CHILD = Path(__file__).with_name("fit_child.py")
ROOT = Path(__file__).resolve().parents[2]

#: Pages and dialogs the tour must have shown (an administrator sees every page).
EXPECTED = (
    "Cài đặt lần đầu",
    "Đăng nhập",
    "Trang chủ",
    "Tiếp nhận hồ sơ (F2)",
    "Tra cứu hồ sơ",
    "Bảng theo dõi",
    "Trả kết quả",
    "Bưu chính công ích",
    "Sổ theo dõi, báo cáo",
    "Chốt sổ cuối ngày",
    "Cấu hình",
    "Tài khoản",
    "Xem trước bản in",
    "Chốt sổ — lãnh đạo",
    "Gia hạn (Mẫu 04)",
    "Tạo tài khoản",
    "Chữ ký số",
    "Nhập mã PIN token",
    "Số hóa giấy tờ",
)


@pytest.mark.parametrize(
    ("screen", "scale"),
    [("1366x768", "1"), ("1280x720", "1"), ("1920x1080", "1.25"), ("1920x1080", "1.5")],
)
def test_every_button_of_every_page_and_dialog_is_on_screen(
    tmp_path: Path, screen: str, scale: str
) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is not installed")
    out = tmp_path / "fit.json"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env.pop("DISPLAY", None)
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, str(CHILD)]
    done = subprocess.run(
        [*command, str(out)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["problems"] == []
    missing = [name for name in EXPECTED if name not in report["covered"]]
    assert missing == []
