"""Print the first-run figures recorded in the blind sets' headers, pooled.

Each tests/data/nlu_blindNN.yml written by an independent helper records, before anyone read its
errors, the NLU's figures and the rules-only system's (commit 5d28871) on that set. Pooling those
first runs gives the NLU's measure on text it had not seen; today's figures on the same files are
not that measure, since their errors were then fixed by category.

    .venv/bin/python bench/blind_first_runs.py            # sets 30 and later
    .venv/bin/python bench/blind_first_runs.py --first 42  # sets 42 and later
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
_RUN = re.compile(
    r"intent accuracy ([\d.]+), macro F1 ([\d.]+), escalation recall [\d.]+ \((\d+)/(\d+)\),\n"
    r"#\s+false escalation rate [\d.]+ \((\d+)/(\d+)\)"
)


@dataclass
class Pool:
    caught: int = 0
    escalations: int = 0
    false: int = 0
    others: int = 0
    accuracy: float = 0.0
    macro_f1: float = 0.0
    sets: int = 0

    def add(self, run: tuple[str, ...]) -> None:
        accuracy, macro_f1, caught, escalations, false, others = run
        self.caught += int(caught)
        self.escalations += int(escalations)
        self.false += int(false)
        self.others += int(others)
        self.accuracy += float(accuracy)
        self.macro_f1 += float(macro_f1)
        self.sets += 1

    def line(self, name: str) -> str:
        return (
            f"{name:12s} escalation recall {self.caught}/{self.escalations}"
            f" = {self.caught / self.escalations:.4f}   false escalation {self.false}/{self.others}"
            f" = {self.false / self.others:.4f}   mean intent accuracy"
            f" {self.accuracy / self.sets:.4f}   mean macro F1 {self.macro_f1 / self.sets:.4f}"
            f"   ({self.sets} sets)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=int, default=30, help="first blind set number to pool")
    args = ap.parse_args()
    ours, rules = Pool(), Pool()
    for path in sorted(DATA.glob("nlu_blind*.yml")):
        number = re.search(r"nlu_blind(\d+)\.yml$", path.name)
        if number is None or int(number.group(1)) < args.first:
            continue
        runs = _RUN.findall(path.read_text(encoding="utf-8"))
        if len(runs) < 2:
            continue  # no first run recorded in the header
        ours.add(runs[0])
        rules.add(runs[1])
    print(ours.line("first run"))
    print(rules.line("rules only"))


if __name__ == "__main__":
    main()
