"""The benchmark record (bench/results/latest.json) and the scripts' arithmetic: the ratios
the summary states follow from the raw figures beside them, and `make bench`'s table is
written into docs/benchmarks.md once, in its place."""

import copy
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import run_all  # noqa: E402
import side_by_side  # noqa: E402

RECORD = json.loads((BENCH / "results" / "latest.json").read_text())
NAMED = (  # the ratios the benchmark issue names
    "first_page_read_vs_isso",
    "first_page_read_vs_nginx",
    "whole_thread_vs_isso_full",
    "post_vs_isso",
    "article_page_vs_nginx",
    "million_vs_10k_latency",
    "peak_memory_vs_isso",
)


def test_the_record_holds_every_named_ratio_and_the_other_benches():
    for name in NAMED:
        assert isinstance(RECORD["ratios"][name], float), name
        assert RECORD["targets"][name]["met"] in (True, False), name
    assert RECORD["live_fanout"]["connected"] == RECORD["live_fanout"]["readers"]
    assert all(p["received"] == RECORD["live_fanout"]["connected"] for p in RECORD["live_fanout"]["posts"])
    assert RECORD["community_fanout"]["fanout"]["all_told"] is True
    assert RECORD["following_feed"]["scale"]["comments"] == 1_000_000
    assert RECORD["make_bench_seconds"] < 15 * 60


def test_the_recorded_ratios_follow_from_the_recorded_figures():
    assert side_by_side.ratios(RECORD) == (RECORD["ratios"], RECORD["targets"])


def _figures(masthead_walk: float, isso_full: float, posted: float, isso_posted: float) -> dict:
    record = copy.deepcopy(RECORD)
    record["whole_thread"]["masthead_walk"]["median_seconds"] = masthead_walk
    record["whole_thread"]["isso_full"]["median_seconds"] = isso_full
    record["posting"]["masthead"]["median_per_second"] = posted
    record["posting"]["isso"]["median_per_second"] = isso_posted
    return record


@pytest.mark.parametrize(
    ("walk", "full", "met"),
    [(0.5, 6.0, True), (0.6, 6.0, True), (0.61, 6.0, False)],
)
def test_a_time_target_is_met_at_or_under_its_bound(walk, full, met):
    _, targets = side_by_side.ratios(_figures(walk, full, 100, 50))
    assert targets["whole_thread_vs_isso_full"]["met"] is met


@pytest.mark.parametrize(("posted", "isso", "met"), [(100, 50, True), (99, 50, False)])
def test_a_rate_target_is_met_at_or_over_its_bound(posted, isso, met):
    ratios, targets = side_by_side.ratios(_figures(0.5, 6.0, posted, isso))
    assert ratios["post_vs_isso"] == round(posted / isso, 4)
    assert targets["post_vs_isso"]["met"] is met


def test_make_bench_writes_its_table_once_under_the_summary(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nsummary\n{run_all.SUMMARY_END}\n\n## Next section\n")
    monkeypatch.setattr(run_all, "DOC", doc)
    also = {k: RECORD[k] for k in ("live_fanout", "community_fanout", "following_feed")}

    run_all.write_doc(also, 500.0)
    first = doc.read_text()
    run_all.write_doc(also, 480.0)
    second = doc.read_text()

    assert first.count(run_all.START) == second.count(run_all.START) == 1
    assert second.index(run_all.SUMMARY_END) < second.index(run_all.START) < second.index("## Next section")
    assert "took 500 s" in first and "took 480 s" in second and "took 500 s" not in second
    assert "2,000 connected" in second and "each once" in second
