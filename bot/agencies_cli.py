"""`aman agencies ...`: import the registry CSV and look an agency up from the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from .settings import get_settings

agencies_app = typer.Typer(help="The registry of licensed agencies (P3MI).", no_args_is_help=True)


@agencies_app.command("import")
def import_file(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="UTF-8 CSV: name,licence_number,status,valid_until,address,city,province.",
    ),
) -> None:
    """Add new agencies and update known ones by licence number; a bad row imports nothing."""
    from .agencies import import_csv
    from .db import make_engine, migrate, session_scope

    settings = get_settings()
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as s:
            report = import_csv(session=s, path=file)
            for error in report.errors:
                typer.echo(f"{file}:{error}", err=True)
            typer.echo(report.summary())
    finally:
        engine.dispose()
    if not report.ok:
        raise typer.Exit(1)


@agencies_app.command("lookup")
def lookup_command(query: str = typer.Argument(..., help="A name or a licence number.")) -> None:
    """Show what the bot would answer about an agency, with the scores behind it."""
    from .agencies import lookup
    from .db import make_engine, session_scope

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as s:
            match = lookup(session=s, query=query)
    finally:
        engine.dispose()
    typer.echo(f"{match.kind} {match.by}".rstrip())
    for c in match.candidates:
        r = c.record
        line = f"  {c.score:5.1f}  {r.name} | {r.licence_number} | {r.status} | {r.valid_until}"
        typer.echo(line.rstrip())
