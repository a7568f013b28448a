"""Which browser the tests drive (conftest.chromium): Debian's headless shell, which loads a page for
about half the CPU of its chromium, unless OTKB_CHROMIUM names another (CI on GitHub: its Chrome)."""

import os
from pathlib import Path

import pytest

from . import conftest


def test_the_tests_drive_debians_headless_shell_unless_told_otherwise(monkeypatch):
    if not Path(conftest.HEADLESS_SHELL).is_file():
        message = "chromium-headless-shell is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.delenv("OTKB_CHROMIUM", raising=False)
    assert conftest.chromium() == conftest.HEADLESS_SHELL
    monkeypatch.setenv("OTKB_CHROMIUM", "/usr/bin/google-chrome")
    assert conftest.chromium() == "/usr/bin/google-chrome"
