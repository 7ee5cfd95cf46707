"""`aman officers ...`: create accounts and API tokens from the command line."""

from __future__ import annotations

import typer

from .settings import get_settings

officers_app = typer.Typer(help="Officer accounts of the console.", no_args_is_help=True)


@officers_app.command("add")
def add(
    name: str = typer.Argument(..., help="Login name (lower case)."),
    role: str = typer.Option("officer", help="officer, supervisor or admin."),
    team: str = typer.Option("", help="Team; an officer sees the shared pool and this team."),
) -> None:
    """Create an account and print its one-time password (changed at first login)."""
    from .db import make_engine, session_scope
    from .officers import AccountError, create_officer

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as s:
            officer, password = create_officer(session=s, username=name, role=role, team=team)
            typer.echo(f"officer {officer.username} ({officer.role}, team {officer.team or '-'})")
            typer.echo(f"one-time password: {password}")
    except AccountError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@officers_app.command("token")
def token(name: str = typer.Argument(..., help="Login name.")) -> None:
    """Print a new bearer token for the JSON API (only its hash is stored)."""
    from .db import make_engine, session_scope
    from .officers import get_officer, issue_token

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as s:
            officer = get_officer(session=s, username=name)
            if officer is None:
                typer.echo(f"no officer {name!r}", err=True)
                raise typer.Exit(1)
            typer.echo(issue_token(session=s, officer=officer))
    finally:
        engine.dispose()
