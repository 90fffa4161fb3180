"""Every error code raised in ``src/motcua_desk``, found by reading the source (AST).

Used by the catalogue test: a code added anywhere later (by any module) is found here without
anyone listing it by hand.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "motcua_desk"


@dataclass
class RaisedCodes:
    #: error code -> "file:line" where it is declared or raised
    codes: dict[str, str] = field(default_factory=dict)
    #: RuleViolationError rule -> where
    rules: dict[str, str] = field(default_factory=dict)
    #: (code, reason) -> where, for errors built with a literal ``reason``
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(rel.parts)


def _error_classes() -> dict[str, type[BaseException]]:
    """Exception classes declaring a ``code`` string, by class name."""
    found: dict[str, type[BaseException]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(
                isinstance(st, ast.Assign | ast.AnnAssign)
                and isinstance(st.targets[0] if isinstance(st, ast.Assign) else st.target, ast.Name)
                and (st.targets[0] if isinstance(st, ast.Assign) else st.target).id == "code"  # type: ignore[union-attr]
                for st in node.body
            )
        ]
        if not names:
            continue
        module = importlib.import_module(_module_name(path))
        for name in names:
            cls = getattr(module, name, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                found[name] = cls
    return found


def _first_param(cls: type[BaseException]) -> str | None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return params[0].name if params else None


def raised_codes() -> RaisedCodes:
    classes = _error_classes()
    out = RaisedCodes()
    for cls in classes.values():
        code = cls.__dict__.get("code")
        if isinstance(code, str):
            out.codes.setdefault(code, f"{inspect.getsourcefile(cls)}")
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            cls = classes.get(name or "")
            if cls is None:
                continue
            where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) else None
            param = _first_param(cls)
            code = str(cls.code)  # type: ignore[attr-defined]
            if isinstance(literal, str) and param == "code":
                code = literal
                out.codes.setdefault(code, where)
            kwargs = {
                k.arg: k.value.value
                for k in node.keywords
                if k.arg and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
            }
            if isinstance(literal, str) and param == "reason":
                kwargs["reason"] = literal
            if "code" in kwargs and param == "code":
                code = kwargs["code"]
                out.codes.setdefault(code, where)
            if "rule" in kwargs:
                out.rules.setdefault(kwargs["rule"], where)
            if "reason" in kwargs:
                out.reasons.setdefault((code, kwargs["reason"]), where)
    return out
