"""The browser benchmarks run from the repository: search and the finder at 100 records (their smoke run;
the figures are not asserted). They had stopped running unnoticed when the code under them moved."""

import os
import subprocess
import sys

import pytest

from conftest import PROJECT
from .conftest import CHROMIUM


@pytest.mark.parametrize("script, heading", [("search_latency.py", "first result"),
                                             ("finder_latency.py", "| activities |")])
def test_a_browser_benchmark_runs_at_100_records(browser, tmp_path, script, heading):
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / script), "--records", "100",
                             "--repeat", "1", "--output", str(tmp_path / "results.json")],
                            env={**os.environ, "OTKB_CHROMIUM": CHROMIUM},  # the tests' browser
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert heading in result.stdout and (tmp_path / "results.json").is_file()
