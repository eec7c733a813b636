"""How well the pipeline's hold decision matches human labels (``masthead eval_moderation``).

Each item of the set is a comment and a label: ``hold`` (a moderator should see it before
readers do) or ``allow``. The pipeline *holds* a comment when it does not publish it as
sent: pending, rejected, or sent back with ``revise_suggested`` (sent again unchanged, it
is pending). Every comment is assessed as a new one from an established reader (ten
approved comments, no rejection) with the shipped default settings and no database: the
evaluation measures the words, links and scorer, not the history rules, which unit tests
cover.
"""

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache.backends.locmem import LocMemCache

from masthead.moderation import recent
from masthead.moderation.config import ModerationConfig
from masthead.moderation.history import ReaderHistory
from masthead.moderation.pipeline import Decision, Draft, assess
from masthead.moderation.scorers import ToxicityScorer

ESTABLISHED = ReaderHistory(approved_count=10, recent_approved_count=10)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    label: str  # hold | allow
    category: str = ""


def load(path: str | Path) -> list[Item]:
    items = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["label"] not in ("hold", "allow"):
                raise ValueError(f"{path}:{number}: label must be hold or allow, not {row['label']!r}")
            category = row.get("category", "")
            items.append(Item(id=row["id"], text=row["text"], label=row["label"], category=category))
    return items


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, *, held: bool, should_hold: bool) -> None:
        if held and should_hold:
            self.tp += 1
        elif held:
            self.fp += 1
        elif should_hold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    overall: Scores = field(default_factory=Scores)
    by_category: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    fired: Counter = field(default_factory=Counter)
    mistakes: list[tuple[Item, Decision]] = field(default_factory=list)
    scores: list[tuple[Item, float | None]] = field(default_factory=list)
    held_by_other_rules: set[str] = field(default_factory=set)  # item ids held whatever the score


class _PrivateCache:
    """Run with a throwaway in-memory cache, so the evaluation neither reads nor writes
    the instance's Redis (the pipeline's revise/repeat memory lives in the cache)."""

    def __enter__(self):
        self._saved = recent.cache
        name = f"moderation-eval-{uuid.uuid4().hex}"
        self._private = LocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        recent.cache = self._private
        return self

    def __exit__(self, *exc):
        recent.cache = self._saved
        self._private.clear()
        return False


def evaluate(
    items: Sequence[Item],
    *,
    config: ModerationConfig | None = None,
    scorer: ToxicityScorer | None,
    rules: Iterable[str] | None = None,
) -> Report:
    config = config or ModerationConfig.defaults()
    rules = tuple(rules) if rules is not None else None
    report = Report()
    with _PrivateCache():
        for number, item in enumerate(items):
            draft = Draft(
                body=item.text, author_id=number + 1, article_id=1, section_id=1, history=ESTABLISHED
            )
            decision = assess(draft, config=config, scorer=scorer, rules=rules)
            should_hold = item.label == "hold"
            report.overall.add(held=decision.held, should_hold=should_hold)
            category = report.by_category[f"{item.label}:{item.category}"]
            category.add(held=decision.held, should_hold=should_hold)
            report.fired.update(decision.rules)
            report.scores.append((item, decision.score))
            if any(rule != "toxicity" for rule in decision.rules):
                report.held_by_other_rules.add(item.id)
            if decision.held != should_hold:
                report.mistakes.append((item, decision))
    return report


def threshold_sweep(report: Report, thresholds: Iterable[float]) -> list[tuple[float, Scores]]:
    """Precision/recall if only the toxicity threshold changed: items held by other rules
    stay held; the rest are held when their score reaches the threshold."""
    rows = []
    for threshold in thresholds:
        scores = Scores()
        for item, score in report.scores:
            held = item.id in report.held_by_other_rules or (score is not None and score >= threshold)
            scores.add(held=held, should_hold=item.label == "hold")
        rows.append((threshold, scores))
    return rows
