"""``masthead eval_moderation [PATH]``: precision and recall of the pipeline's hold decision
on a labelled set (``make eval-moderation``; docs/moderation.md, "Evaluation")."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.moderation import evaluation, scorers
from masthead.moderation.config import ModerationConfig

DEFAULT_PATH = Path("tests/moderation/data/eval.jsonl")


class Command(BaseCommand):
    help = "Precision/recall/F1 of the moderation pipeline's hold decision on a labelled set."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="JSON lines: id, text, label")
        parser.add_argument("--scorer", default=None, help="local, perspective or none (MODERATION_SCORER)")
        parser.add_argument("--threshold", type=float, default=None, help="toxicity threshold (default 0.8)")
        parser.add_argument("--rules", default=None, help="comma-separated rules to run (default: all)")
        parser.add_argument("--mistakes", action="store_true", help="list every item the pipeline got wrong")
        parser.add_argument("--sweep", action="store_true", help="precision/recall at other thresholds")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, path, scorer, threshold, rules, mistakes, sweep, json: bool, **options):
        try:
            items = evaluation.load(path)
        except FileNotFoundError as exc:
            raise CommandError(f"No evaluation set at {path}") from exc
        name = scorer if scorer is not None else settings.MODERATION_SCORER
        scorers.reset()
        with self.settings_scorer(name):
            chosen = scorers.get_scorer()
        if chosen is not None and hasattr(chosen, "warm"):
            chosen.warm()
        config = ModerationConfig.defaults()
        if threshold is not None:
            config = config.with_changes(toxicity_threshold=threshold)
        started = time.perf_counter()
        report = evaluation.evaluate(
            items, config=config, scorer=chosen, rules=rules.split(",") if rules else None
        )
        elapsed = time.perf_counter() - started
        overall = report.overall
        figures = {
            "items": len(items),
            "hold_labels": sum(1 for i in items if i.label == "hold"),
            "scorer": getattr(chosen, "name", "none"),
            "threshold": config.toxicity_threshold,
            "precision": round(overall.precision, 3),
            "recall": round(overall.recall, 3),
            "f1": round(overall.f1, 3),
            "tp": overall.tp,
            "fp": overall.fp,
            "fn": overall.fn,
            "tn": overall.tn,
        }
        if json:
            self.stdout.write(_json(figures))
            return
        self.stdout.write(
            f"{figures['items']} comments ({figures['hold_labels']} labelled hold), scorer "
            f"{figures['scorer']}, toxicity threshold {config.toxicity_threshold:.2f}, "
            f"{elapsed:.1f} s\n"
        )
        self.stdout.write(
            f"hold decision: precision {overall.precision:.3f}  recall {overall.recall:.3f}  "
            f"F1 {overall.f1:.3f}   (TP {overall.tp}  FP {overall.fp}  FN {overall.fn}  TN {overall.tn})\n"
        )
        self.stdout.write("\nby category (label:category   held / items)\n")
        for key in sorted(report.by_category):
            s = report.by_category[key]
            held, total = s.tp + s.fp, s.tp + s.fp + s.fn + s.tn
            self.stdout.write(f"  {key:<34} {held:>3} / {total:<3}\n")
        fired = ", ".join(f"{rule} {count}" for rule, count in report.fired.most_common())
        self.stdout.write(f"\nrules that fired: {fired}\n")
        if sweep:
            self.stdout.write("\nthreshold sweep (other rules unchanged)\n")
            grid = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
            for value, s in evaluation.threshold_sweep(report, grid):
                self.stdout.write(
                    f"  {value:.2f}: precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}\n"
                )
        if mistakes:
            self.stdout.write("\nmistakes\n")
            for item, decision in report.mistakes:
                what = "missed" if item.label == "hold" else "held"
                score = "-" if decision.score is None else f"{decision.score:.2f}"
                self.stdout.write(
                    f"  {what:6} {item.id} [{item.category}] score {score} {decision.rules}: {item.text!r}\n"
                )

    def settings_scorer(self, name: str):
        from django.test import override_settings

        return override_settings(MODERATION_SCORER=name)


def _json(figures: dict) -> str:
    return json.dumps(figures, indent=2) + "\n"
