"""`aman content ...`: check the catalog before it ships."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .catalog import Catalog, CatalogError
from .check import check_catalog

content_app = typer.Typer(
    help="The content catalog: check it before it ships.", no_args_is_help=True
)


@content_app.callback()
def _group() -> None:
    """Keep `check` a sub-command even while it is the only one."""


@content_app.command("check")
def check(
    root: Annotated[
        Path | None, typer.Argument(help="Catalog folder (default: the shipped catalog).")
    ] = None,
) -> None:
    """Print every problem of the catalog; exit 1 when there is an error."""
    try:
        catalog = Catalog.load(root)
    except CatalogError as exc:
        typer.echo(f"ERROR {exc}")
        raise typer.Exit(1) from exc
    problems = check_catalog(catalog)
    for problem in problems:
        typer.echo(str(problem))
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    typer.echo(f"{len(catalog.entries)} entries, {errors} errors, {warnings} warnings")
    if errors:
        raise typer.Exit(1)
