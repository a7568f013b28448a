"""CI's smoke run of the benchmark (N = 100): it runs from the repository and reports every figure."""

import json
import subprocess
import sys

from conftest import PROJECT


def test_the_benchmark_runs_at_100_records_and_reports_every_figure(tmp_path):
    output = tmp_path / "results.json"
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks/run.py"), "--sizes", "100", "--repeat", "1",
                             "--output", str(output)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(output.read_text())["results"][0]
    assert figures["records"] == 100 and figures["per_kind"] == {"articles": 10, "research": 10, "activities": 80}
    for name in ("build_s", "build_cpu_s", "cache_build_cpu_s", "warm_s", "warm_cpu_s", "pipeline_s", "pipeline_share",
                 "pipeline_cpu_s", "peak_together_bytes", "cache_peak_together_bytes",
                 "peak_rss_bytes", "cache_peak_rss_bytes", "warm_peak_rss_bytes", "html_bytes_per_record_page",
                 "site_bytes", "search_index_bytes", "preview_s", "preview_title_s"):
        assert figures[name] and figures[name] > 0, name
    assert "| records | build s |" in result.stdout
