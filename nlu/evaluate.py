"""Evaluate a parser on a held-out file: Rasa-style intent report, errors, and a safety report.

Safety figures: recall and precision per risk flag and per language, escalation recall (share of
messages whose true level is high/urgent that are predicted high/urgent) and the false-escalation
rate (share of messages whose true level is below high that are predicted high/urgent).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.metrics import classification_report

from nlu.spec import RISK_FLAGS, level_at_least, risk_level
from nlu.training_data import Example
from nlu.types import Parse, Parser

#: The issue's floors (issue #3); the CLI and the tests compare against these.
TARGETS: dict[str, float] = {
    "intent_accuracy": 0.92,
    "intent_macro_f1": 0.90,
    "escalation_recall": 0.98,
    "false_escalation_rate_max": 0.05,
    "language_accuracy_core": 0.90,
}
CORE_LANGUAGES = ("id", "mkn", "aoz", "en")


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def true_level(ex: Example) -> str:
    return ex.level or risk_level(ex.intent, ex.flags)


def _is_escalation(level: str) -> bool:
    return level_at_least(level, "high")


@dataclass
class Evaluation:
    examples: list[Example]
    parses: list[Parse]
    intent_report: dict[str, Any] = field(default_factory=dict)
    safety_report: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    entity_report: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: Path) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        files = {
            "intent_report.json": self.intent_report,
            "safety_report.json": self.safety_report,
            "errors.json": self.errors,
            "entity_report.json": self.entity_report,
            "summary.json": self.summary,
        }
        paths = []
        for name, data in files.items():
            p = out_dir / name
            p.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            paths.append(p)
        return paths


def _intent_report(examples: Sequence[Example], parses: Sequence[Parse]) -> dict[str, Any]:
    y_true = [e.intent for e in examples]
    y_pred = [p.intent.name for p in parses]
    report: dict[str, Any] = classification_report(
        y_true, y_pred, output_dict=True, zero_division=0
    )
    confused: dict[str, Counter[str]] = defaultdict(Counter)
    for t, p in zip(y_true, y_pred, strict=True):
        if t != p:
            confused[t][p] += 1
    for name, row in report.items():
        if isinstance(row, dict) and name not in {"macro avg", "weighted avg"}:
            row["confused_with"] = dict(confused[name].most_common())
    return report


def _flag_table(pairs: Sequence[tuple[frozenset[str], frozenset[str]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    micro = Counter[str]()
    for flag in RISK_FLAGS:
        tp = sum(1 for t, p in pairs if flag in t and flag in p)
        fp = sum(1 for t, p in pairs if flag not in t and flag in p)
        fn = sum(1 for t, p in pairs if flag in t and flag not in p)
        micro.update(tp=tp, fp=fp, fn=fn)
        if tp + fp + fn:
            table[flag] = {
                "recall": _ratio(tp, tp + fn),
                "precision": _ratio(tp, tp + fp),
                "support": tp + fn,
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
    table["micro avg"] = {
        "recall": _ratio(micro["tp"], micro["tp"] + micro["fn"]),
        "precision": _ratio(micro["tp"], micro["tp"] + micro["fp"]),
        "support": micro["tp"] + micro["fn"],
    }
    return table


def _escalation(examples: Sequence[Example], parses: Sequence[Parse]) -> dict[str, Any]:
    pos = [(e, p) for e, p in zip(examples, parses, strict=True) if _is_escalation(true_level(e))]
    neg = [
        (e, p) for e, p in zip(examples, parses, strict=True) if not _is_escalation(true_level(e))
    ]
    caught = sum(1 for _, p in pos if _is_escalation(p.risk.level))
    false = sum(1 for _, p in neg if _is_escalation(p.risk.level))
    return {
        "escalation_recall": _ratio(caught, len(pos)),
        "escalations_true": len(pos),
        "escalations_caught": caught,
        "false_escalation_rate": _ratio(false, len(neg)),
        "non_escalations_true": len(neg),
        "false_escalations": false,
    }


def _entity_report(examples: Sequence[Example], parses: Sequence[Parse]) -> dict[str, Any]:
    """Recall of the annotated entities (same type, overlapping span) and how often the
    normalised value also matches. Unannotated mentions exist in the files, so no precision."""
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for e, p in zip(examples, parses, strict=True):
        for gold in e.entities:
            hit = next(
                (
                    x
                    for x in p.entities
                    if x.entity == gold.entity and x.start < gold.end and gold.start < x.end
                ),
                None,
            )
            rows[gold.entity]["support"] += 1
            if hit is not None:
                rows[gold.entity]["found"] += 1
                ours, theirs = hit.value.lower(), gold.value.lower()
                rows[gold.entity]["value_match"] += int(ours in theirs or theirs in ours)
    return {
        name: {
            "recall": _ratio(c["found"], c["support"]),
            "value_accuracy": _ratio(c["value_match"], c["found"]),
            "support": c["support"],
        }
        for name, c in sorted(rows.items())
    }


def evaluate(parser: Parser, examples: Sequence[Example]) -> Evaluation:
    examples = list(examples)
    parses = [parser.parse(e.text) for e in examples]
    ev = Evaluation(examples, parses)
    ev.intent_report = _intent_report(examples, parses)
    ev.entity_report = _entity_report(examples, parses)

    pairs = [(e.flags, frozenset(p.risk.flag_names)) for e, p in zip(examples, parses, strict=True)]
    per_language: dict[str, Any] = {}
    for lang in sorted({e.language for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.language == lang]
        sub_e = [examples[i] for i in idx]
        sub_p = [parses[i] for i in idx]
        flags = _flag_table([pairs[i] for i in idx])["micro avg"]
        per_language[lang] = {
            "messages": len(idx),
            "flag_recall": flags["recall"],
            "flag_precision": flags["precision"],
            "flag_support": flags["support"],
            **_escalation(sub_e, sub_p),
            "intent_accuracy": _ratio(
                sum(1 for e, p in zip(sub_e, sub_p, strict=True) if e.intent == p.intent.name),
                len(idx),
            ),
            "language_accuracy": _ratio(
                sum(1 for e, p in zip(sub_e, sub_p, strict=True) if e.language == p.language.code),
                len(idx),
            ),
        }
    level_hits = sum(
        1 for e, p in zip(examples, parses, strict=True) if true_level(e) == p.risk.level
    )
    ev.safety_report = {
        **_escalation(examples, parses),
        "level_accuracy": _ratio(level_hits, len(examples)),
        "flags": _flag_table(pairs),
        "languages": per_language,
    }

    core = [(e, p) for e, p in zip(examples, parses, strict=True) if e.language in CORE_LANGUAGES]
    lang_acc_core = _ratio(sum(1 for e, p in core if e.language == p.language.code), len(core))
    lang_acc_all = _ratio(
        sum(1 for e, p in zip(examples, parses, strict=True) if e.language == p.language.code),
        len(examples),
    )
    for e, p in zip(examples, parses, strict=True):
        wrong_intent = e.intent != p.intent.name
        missing = sorted(e.flags - set(p.risk.flag_names))
        extra = sorted(set(p.risk.flag_names) - e.flags)
        wrong_level = true_level(e) != p.risk.level
        wrong_lang = e.language != p.language.code
        if wrong_intent or missing or extra or wrong_level or wrong_lang:
            ev.errors.append(
                {
                    "text": e.text,
                    "intent": e.intent,
                    "intent_prediction": {
                        "name": p.intent.name,
                        "confidence": round(p.intent.confidence, 4),
                    },
                    "language": e.language,
                    "language_prediction": p.language.code,
                    "level": true_level(e),
                    "level_prediction": p.risk.level,
                    "missing_flags": missing,
                    "extra_flags": extra,
                    "triggers": {f.name: f.trigger for f in p.risk.flags},
                }
            )
    macro = ev.intent_report["macro avg"]
    ev.summary = {
        "messages": len(examples),
        "intent_accuracy": round(float(ev.intent_report["accuracy"]), 4),
        "intent_macro_f1": round(float(macro["f1-score"]), 4),
        "escalation_recall": ev.safety_report["escalation_recall"],
        "false_escalation_rate": ev.safety_report["false_escalation_rate"],
        "flag_recall_micro": ev.safety_report["flags"]["micro avg"]["recall"],
        "flag_precision_micro": ev.safety_report["flags"]["micro avg"]["precision"],
        "level_accuracy": ev.safety_report["level_accuracy"],
        "language_accuracy_core": lang_acc_core,
        "language_accuracy_all": lang_acc_all,
        "fallbacks": sum(1 for p in parses if p.is_fallback),
        "targets": TARGETS,
    }
    ev.summary["meets_targets"] = meets_targets(ev.summary)
    return ev


def meets_targets(summary: dict[str, Any]) -> dict[str, bool]:
    def ge(key: str, floor: float) -> bool:
        value = summary.get(key)
        return value is not None and float(value) >= floor

    fer = summary.get("false_escalation_rate")
    return {
        "intent_accuracy": ge("intent_accuracy", TARGETS["intent_accuracy"]),
        "intent_macro_f1": ge("intent_macro_f1", TARGETS["intent_macro_f1"]),
        "escalation_recall": ge("escalation_recall", TARGETS["escalation_recall"]),
        "false_escalation_rate": fer is not None
        and float(fer) <= TARGETS["false_escalation_rate_max"],
        "language_accuracy_core": ge("language_accuracy_core", TARGETS["language_accuracy_core"]),
    }
