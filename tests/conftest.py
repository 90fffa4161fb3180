"""Shared test setup: Qt runs offscreen unless a test run sets another platform."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
