"""`aman nlu train` and `aman nlu test FILE` (wired into bot/cli.py as the "nlu" group)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Train and evaluate the NLU.", no_args_is_help=True)


@app.command()
def train(
    out: Annotated[
        Path | None,
        typer.Option(help="Model file (default: NLU_MODEL_PATH or var/nlu-model.joblib)."),
    ] = None,
) -> None:
    """Train from nlu/data/*.yml and write the model file the server loads once."""
    from nlu import model
    from nlu.paths import default_model_path

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = out or default_model_path()
    started = time.perf_counter()
    trained = model.train()
    model.save(trained, path)
    typer.echo(
        f"trained on {trained.meta['examples']} examples in {time.perf_counter() - started:.1f} s;"
        f" wrote {path} ({path.stat().st_size / 1024:.0f} KiB)"
    )


@app.command("test")
def test_(
    file: Annotated[Path, typer.Argument(help="Held-out file (tests/data/nlu_test.yml format).")],
    out: Annotated[Path, typer.Option(help="Directory for the reports.")] = Path("results/nlu"),
    model_path: Annotated[
        Path | None, typer.Option(help="Model file; trained in memory when missing.")
    ] = None,
) -> None:
    """Write intent_report.json, errors.json, safety_report.json and summary.json."""
    from nlu import build_parser
    from nlu.evaluate import evaluate
    from nlu.training_data import load_test_file

    parser = build_parser(model_path=model_path)
    ev = evaluate(parser, load_test_file(file))
    for p in ev.write(out):
        typer.echo(f"wrote {p}")
    typer.echo(json.dumps(ev.summary, indent=2))


if __name__ == "__main__":
    app()
