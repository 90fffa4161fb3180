"""The desk package does not install the server's libraries (issue 17).

A counter installs ``motcua-desk``; the provincial server adds the ``server`` extra. Checked on
the real artefacts: the wheel the build backend makes (its METADATA and entry points, offline:
hatchling is in the ``build`` extra), the dependency closure of the base install over the
installed distributions, and interpreters where the server's libraries are really absent (a
site-packages without them), in which the desk still runs its self-test and ``motcua-server``
explains how to install the extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]

#: Distributions only the server uses; none may come with the desk.
SERVER_ONLY = {"fastapi", "starlette", "uvicorn"}
#: Import names hidden from the "desk install" interpreters below.
SERVER_IMPORTS = ("fastapi", "starlette", "uvicorn", "pydantic", "pydantic_core")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    code = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / result.stdout.strip().splitlines()[-1]


def _wheel_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        (member,) = [n for n in zf.namelist() if n.endswith(f".dist-info/{name}")]
        return zf.read(member).decode("utf-8")


def _requirements(wheel: Path) -> list[Requirement]:
    meta = Parser().parsestr(_wheel_text(wheel, "METADATA"))
    return [Requirement(r) for r in meta.get_all("Requires-Dist") or []]


def _names(reqs: list[Requirement], extra: str) -> set[str]:
    """Distributions required when installing with ``extra`` ("" = the base install)."""
    out = set()
    for r in reqs:
        if r.marker is None or r.marker.evaluate({"extra": extra}):
            out.add(canonicalize_name(r.name))
    return out


def test_wheel_requires_no_server_library_but_its_server_extra_does(wheel: Path) -> None:
    reqs = _requirements(wheel)
    base = _names(reqs, "")
    assert "pyside6-essentials" in base and "sqlalchemy" in base  # the desk's own
    assert not base & (SERVER_ONLY | {"pydantic"}), base
    server = _names(reqs, "server") - base
    assert {"fastapi", "uvicorn", "pydantic"} <= server, server
    extras = Parser().parsestr(_wheel_text(wheel, "METADATA")).get_all("Provides-Extra")
    assert extras is not None and "server" in extras


def test_wheel_has_both_commands(wheel: Path) -> None:
    entry_points = _wheel_text(wheel, "entry_points.txt")
    assert "motcua-desk = motcua_desk.__main__:main" in entry_points
    assert "motcua-server = motcua_server.__main__:main" in entry_points


def _closure(reqs: list[Requirement], extra: str) -> dict[str, str]:
    """Every distribution a base install pulls in, resolved over the installed distributions
    (what ``pip install`` would resolve to, offline), mapped to the one that required it."""
    env = {"extra": extra}
    todo = [(r, "motcua-desk") for r in reqs if r.marker is None or r.marker.evaluate(env)]
    seen: dict[str, str] = {}
    while todo:
        req, parent = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen[name] = parent
        for line in metadata.requires(name) or []:
            sub = Requirement(line)
            wanted = [{"extra": e} for e in (*req.extras, "")]
            if sub.marker is None or any(sub.marker.evaluate(w) for w in wanted):
                todo.append((sub, name))
    return seen


def test_base_install_resolves_without_the_server_libraries(wheel: Path) -> None:
    closure = _closure(_requirements(wheel), "")
    assert not SERVER_ONLY & closure.keys(), {n: closure[n] for n in SERVER_ONLY & closure.keys()}
    # pydantic still arrives, through ocrmypdf (the desk's OCR program), not for the server.
    assert closure.get("pydantic") in (None, "ocrmypdf")
    with_server = _closure(_requirements(wheel), "server")
    assert with_server.keys() >= SERVER_ONLY


def _desk_install_env(tmp: Path) -> dict[str, str]:
    """An interpreter environment in which the server's libraries are not installed: a copy
    (of symlinks) of this venv's site-packages without them, used with ``python -S``."""
    site = Path(sysconfig.get_paths()["purelib"])
    farm = tmp / "site-packages"
    farm.mkdir()
    for entry in site.iterdir():
        top = entry.name.split("-")[0].split(".")[0].lower()
        if top in SERVER_IMPORTS or entry.suffix == ".pth":
            continue
        (farm / entry.name).symlink_to(entry)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(farm)]),
        "QT_QPA_PLATFORM": "offscreen",
    }


def test_server_command_without_the_extra_names_the_install_command(tmp_path: Path) -> None:
    env = _desk_install_env(tmp_path)
    check = subprocess.run(
        [sys.executable, "-S", "-c", "import fastapi"], env=env, capture_output=True, check=False
    )
    assert check.returncode != 0  # the environment really lacks it
    db = tmp_path / "server.db"
    result = subprocess.run(
        [sys.executable, "-S", "-m", "motcua_server", "--db-url", f"sqlite:///{db}", "init-db"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "fastapi" in result.stderr and "uvicorn" in result.stderr
    assert "pip install 'motcua-desk[server,postgres]'" in result.stderr
    assert not db.exists()  # nothing half-done


def test_desk_runs_its_self_test_without_the_server_libraries(tmp_path: Path) -> None:
    env = _desk_install_env(tmp_path)
    # Every module of the desk imports, then the whole self-test runs (database, receipt, window).
    code = (
        "import importlib, pkgutil, sys, motcua_desk\n"
        "for m in pkgutil.walk_packages(motcua_desk.__path__, 'motcua_desk.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        f"{SERVER_IMPORTS + ('motcua_server',)!r})\n"
        "assert not bad, bad\n"
        "from motcua_desk.__main__ import main\n"
        "sys.exit(main(['--temp-data-dir', '--self-test']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "SELF-TEST OK" in result.stdout


def test_marker_evaluation_sees_extras() -> None:
    # The helper above relies on this: a requirement of the extra is not a base requirement.
    marker = Marker('extra == "server"')
    assert marker.evaluate({"extra": "server"}) and not marker.evaluate({"extra": ""})
