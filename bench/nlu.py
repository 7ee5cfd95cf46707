"""Print the NLU's figures: training time, model size, load time, parse latency p50/p99.

.venv/bin/python bench/nlu.py [--messages tests/data/nlu_test.yml] [--repeat 5]
.venv/bin/python bench/nlu.py --compare-models    # cross-validated intent classifiers
.venv/bin/python bench/nlu.py --flag-thresholds   # cross-validated flag model per threshold
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu import model as nlu_model
from nlu.parser import LocalParser
from nlu.training_data import load_test_file


def compare_models() -> None:
    """Cross-validate candidate classifiers on nlu/data (never on the held-out file)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.svm import LinearSVC

    from nlu.classifier import build_pipeline
    from nlu.normalize import Normaliser
    from nlu.paths import training_files
    from nlu.training_data import load_training_examples

    examples = load_training_examples(training_files())
    norm = Normaliser()
    texts = [norm(e.text) for e in examples]
    raw = [e.text.lower() for e in examples]
    labels = [e.intent for e in examples]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    def with_model(model: object) -> object:
        pipe = build_pipeline()
        pipe.set_params(model=model)
        return pipe

    candidates = {
        "logreg C=20, word 1-2 grams (chosen)": (build_pipeline(), texts),
        "logreg C=20, no normalisation": (build_pipeline(), raw),
        "logreg C=20, word unigrams": (
            build_pipeline().set_params(features__words__ngram_range=(1, 1)),
            texts,
        ),
        "logreg C=5": (
            with_model(LogisticRegression(C=5, max_iter=2000, class_weight="balanced")),
            texts,
        ),
        "linear SVM + sigmoid calibration": (
            with_model(CalibratedClassifierCV(LinearSVC(C=1.0), cv=3)),
            texts,
        ),
    }
    for name, (pipe, xs) in candidates.items():
        started = time.perf_counter()
        scores = cross_validate(pipe, xs, labels, cv=folds, scoring=["accuracy", "f1_macro"])
        print(
            f"{name:36s} accuracy {scores['test_accuracy'].mean():.3f}"
            f"  macro F1 {scores['test_f1_macro'].mean():.3f}"
            f"  ({time.perf_counter() - started:.1f} s)"
        )


def flag_thresholds(folds: int = 5) -> None:
    """Cross-validate the flag model on its own training set (nlu/data only, never tests/data)
    and print micro recall and precision of its flags per threshold: the figures behind
    nlu.flag_model.THRESHOLD. The rules run in front of the model, so what matters is recall
    on the reports they miss and precision on the hard negatives."""
    from sklearn.model_selection import KFold

    from nlu.flag_model import FlagModel
    from nlu.model import flag_training_set
    from nlu.normalize import Normaliser
    from nlu.paths import training_files
    from nlu.training_data import load_training_examples

    texts, labels = flag_training_set(load_training_examples(training_files()), Normaliser())
    thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    tp = dict.fromkeys(thresholds, 0)
    fp = dict.fromkeys(thresholds, 0)
    fn = dict.fromkeys(thresholds, 0)
    neg_hit = dict.fromkeys(thresholds, 0)
    n_neg = 0
    split = KFold(n_splits=folds, shuffle=True, random_state=0)
    for train_idx, test_idx in split.split(texts):
        model = FlagModel.train([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        for i in test_idx:
            probs = model.probabilities(texts[i])
            n_neg += not labels[i]
            for t in thresholds:
                raised = {f for f, p in probs.items() if p >= t}
                tp[t] += len(raised & labels[i])
                fp[t] += len(raised - labels[i])
                fn[t] += len(labels[i] - raised)
                neg_hit[t] += bool(raised) and not labels[i]
    print(f"{len(texts)} flag examples, {n_neg} with no flag, {folds}-fold cross-validation")
    for t in thresholds:
        recall = tp[t] / max(1, tp[t] + fn[t])
        precision = tp[t] / max(1, tp[t] + fp[t])
        print(
            f"threshold {t:.1f}  flag recall {recall:.3f}  precision {precision:.3f}"
            f"  no-flag messages flagged {neg_hit[t] / max(1, n_neg):.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=Path, default=Path("tests/data/nlu_test.yml"))
    ap.add_argument("--repeat", type=int, default=5, help="passes over the messages")
    ap.add_argument("--compare-models", action="store_true", help="CV of candidate classifiers")
    ap.add_argument("--flag-thresholds", action="store_true", help="CV of the flag model")
    args = ap.parse_args()
    if args.compare_models:
        compare_models()
        return
    if args.flag_thresholds:
        flag_thresholds()
        return

    started = time.perf_counter()
    trained = nlu_model.train()
    train_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        path = nlu_model.save(trained, Path(tmp) / "nlu-model.joblib")
        size_kib = path.stat().st_size / 1024
        started = time.perf_counter()
        loaded = nlu_model.load(path)
        parser = LocalParser(loaded)
        gc.freeze()  # as build_parser does once the model is loaded
        load_s = time.perf_counter() - started

    texts = [e.text for e in load_test_file(args.messages)]
    for t in texts[:20]:  # warm caches
        parser.parse(t)
    latencies: list[float] = []
    for _ in range(args.repeat):
        for t in texts:
            t0 = time.perf_counter()
            parser.parse(t)
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"training examples     {trained.meta['examples']} intents, "
        f"{trained.meta['flag_examples']} flags"
    )
    print(f"training time         {train_s:.2f} s   (target < 30 s)")
    print(f"model size            {size_kib:.0f} KiB")
    print(f"load time (+ parser)  {load_s:.2f} s   (target < 2 s)")
    print(f"parse latency p50     {p50:.2f} ms  over {len(latencies)} parses")
    print(f"parse latency p99     {p99:.2f} ms  (target < 5 ms)")
    print(f"parse latency max     {latencies[-1]:.2f} ms")


if __name__ == "__main__":
    main()
