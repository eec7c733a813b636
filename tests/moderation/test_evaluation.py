"""The labelled evaluation set, the evaluation command, and a floor under its figures."""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from masthead.moderation import evaluation
from masthead.moderation.config import ModerationConfig
from masthead.moderation.scorers import LocalModelScorer
from tests.moderation.conftest import FixedScorer

DATA = Path(__file__).parent / "data"
SETS = {"eval": DATA / "eval.jsonl", "heldout": DATA / "heldout.jsonl"}


@pytest.mark.parametrize("name", SETS)
def test_sets_are_well_formed(name):
    items = evaluation.load(SETS[name])
    ids = [item.id for item in items]
    texts = [item.text.casefold() for item in items]

    assert len(ids) == len(set(ids))
    assert len(texts) == len(set(texts)), [t for t, n in Counter(texts).items() if n > 1]
    assert {item.label for item in items} == {"hold", "allow"}
    assert all(item.category and item.text.strip() for item in items)


def test_the_evaluation_set_is_big_enough_and_has_the_hard_cases():
    items = evaluation.load(SETS["eval"])
    categories = Counter(item.category for item in items)

    assert len(items) >= 400
    for hard in ("quoting_condemn", "heated_civil", "sarcasm_civil", "profanity_mild", "obfuscated", "spam"):
        assert categories[hard] >= 8, hard
    assert (DATA / "README.md").exists()


def test_no_text_appears_in_both_sets():
    eval_texts = {i.text for i in evaluation.load(SETS["eval"])}
    assert not eval_texts & {i.text for i in evaluation.load(SETS["heldout"])}


def test_load_refuses_an_unknown_label(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "t", "label": "maybe"}) + "\n")
    with pytest.raises(ValueError, match="hold or allow"):
        evaluation.load(path)


def test_scores_arithmetic():
    scores = evaluation.Scores(tp=8, fp=2, fn=8, tn=82)
    assert scores.precision == 0.8
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(0.6153846)
    assert evaluation.Scores().f1 == 0.0


def test_evaluate_counts_revise_suggested_as_held():
    items = [
        evaluation.Item(id="1", text="You are all useless", label="hold"),
        evaluation.Item(id="2", text="Lovely regatta", label="allow"),
    ]
    scorer = FixedScorer(by_text={"you are all useless": 0.9})
    report = evaluation.evaluate(items, config=ModerationConfig.build(), scorer=scorer)

    assert (report.overall.tp, report.overall.tn) == (1, 1)
    sweep = dict(evaluation.threshold_sweep(report, [0.5, 0.95]))
    assert sweep[0.5].tp == 1
    assert sweep[0.95].fn == 1


def test_evaluation_uses_its_own_cache(settings):
    """Running it twice gives the same answer: no revise/repeat memory leaks between runs."""
    items = evaluation.load(SETS["heldout"])[:40]
    first = evaluation.evaluate(items, scorer=None)
    second = evaluation.evaluate(items, scorer=None)
    assert (first.overall.tp, first.overall.fp) == (second.overall.tp, second.overall.fp)


def test_default_pipeline_keeps_its_figures_on_the_evaluation_set():
    """A floor under the figures in docs/moderation.md: a change to the word lists,
    normalization or scorer that makes them worse fails here."""
    report = evaluation.evaluate(evaluation.load(SETS["eval"]), scorer=LocalModelScorer())

    assert report.overall.precision >= 0.85
    assert report.overall.recall >= 0.65
    assert report.by_category["allow:civil"].fp == 0  # never hold a plainly civil comment


def test_eval_moderation_command_prints_precision_and_recall():
    out = StringIO()
    call_command("eval_moderation", str(SETS["heldout"]), "--scorer", "none", stdout=out)
    text = out.getvalue()

    assert "119 comments" in text
    assert "precision" in text and "recall" in text and "F1" in text
    assert "by category" in text


def test_eval_moderation_command_json():
    out = StringIO()
    call_command("eval_moderation", str(SETS["heldout"]), "--scorer", "none", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["items"] == 119
    assert figures["scorer"] == "none"
    assert 0 < figures["precision"] <= 1
