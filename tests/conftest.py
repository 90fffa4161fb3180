"""Shared test setup: Qt offscreen, and cyclic garbage collection on the main thread only."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _garbage_collect_on_the_main_thread() -> Iterator[None]:
    """A collection triggered on a TaskRunner worker would destroy Qt objects on the wrong
    thread and crash (see motcua_desk/ui/gc_guard.py); collect after each test instead."""
    gc.disable()
    yield
    gc.enable()


_tests_run = [0]


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    # Young generations after every test, a full collection now and then (a full one after
    # every test would double the suite's time).
    _tests_run[0] += 1
    gc.collect(2 if _tests_run[0] % 25 == 0 else 1)
