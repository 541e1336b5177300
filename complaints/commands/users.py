"""`complaints users`: add, list, disable, enable and reset staff accounts.

The operator follows the administrators' rules: a new account gets an invitation link (the
person sets their own password and authenticator), roles that reach cases wait for an
administrator's approval on the web, and ``admin`` never sits beside such a role. The one
exception is the bootstrap: while fewer than two active administrators exist, ``add`` and
``grant-admin`` give the administrator role at once (with one administrator, nobody else
could approve).
"""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..models import ROLES
from ..services import accounts


def _print_link(issued, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from ..services import account_links

    if base_url:
        click.echo(account_links.url_for_token(issued.token, base_url))
    else:
        click.echo(f"https://<this site's address>{account_links.PATH}?t={issued.token}")
        click.echo("(set COMPLAINTS_BASE_URL to print the whole address)")
    click.echo(f"It works once, until {issued.expires_at:%Y-%m-%d %H:%M} UTC, and is not shown again.")


@click.group("users")
def command() -> None:
    """Manage staff accounts."""


@command.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="A role of the account (repeat for several).")
@click.option("--display-name", default="", help="Name shown to colleagues.")
@click.option("--email", default="", help="For deadline reminders only.")
@with_appcontext
def add(name: str, roles: tuple[str, ...], display_name: str, email: str) -> None:
    """Create an account and print its invitation link (the person sets their own password)."""
    from flask import current_app

    from ..services import roles as roles_service

    try:
        invitation = accounts.invite_user(None, name, roles, display_name=display_name, email=email)
    except (accounts.AccountError, roles_service.RoleRefused) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    held = ", ".join(sorted(invitation.roles.added)) or "none yet"
    click.echo(f"Created {invitation.user.username} with roles: {held}.")
    if invitation.roles.requested:
        click.echo(f"Waiting for a second administrator's approval on the web: "
                   f"{', '.join(sorted(invitation.roles.requested))}.")
    click.echo("Give the person this invitation link; on it they set their own password and "
               "authenticator app:")
    _print_link(invitation.link, current_app.config.get("BASE_URL", ""))


@command.command("reset")
@click.argument("name")
@with_appcontext
def reset(name: str) -> None:
    """Print a one-time link on which the person sets a new password and authenticator."""
    from flask import current_app

    user = _find(name)
    issued = accounts.issue_reset(None, user.id)
    click.echo(f"Reset link for {user.username} (their roles that reach cases wait for an "
               "administrator's approval again once they use it):")
    _print_link(issued, current_app.config.get("BASE_URL", ""))


@command.command("grant-admin")
@click.argument("name")
@with_appcontext
def grant_admin(name: str) -> None:
    """Give an account the administrator role while fewer than two administrators exist."""
    from ..services import roles as roles_service

    user = _find(name)
    try:
        roles_service.bootstrap_admin(user.id)
    except roles_service.RoleRefused as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"{user.username} is now an administrator.")


def _find(name: str):  # type: ignore[no-untyped-def]
    user = accounts.find_user(name)
    if user is None:
        click.echo(f"Error: no account named {name}", err=True)
        sys.exit(1)
    return user


@command.command("list")
@with_appcontext
def list_users() -> None:
    """List accounts with their roles and status."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import User

    for user in db.session.execute(select(User).order_by(User.username)).scalars():
        status = "active" if user.is_active_account else "disabled"
        from ..services import roles as roles_service

        waiting = roles_service.pending_roles(user.id)
        click.echo(f"{user.username:24} {status:9} {'enrolled' if user.totp_enrolled else 'not enrolled':13} "
                   f"{','.join(sorted(user.roles))}"
                   + (f" (waiting for approval: {','.join(sorted(waiting))})" if waiting else ""))


def _set_active(name: str, active: bool) -> None:
    user = _find(name)
    accounts.set_active(None, user.id, active)
    click.echo(f"{user.username} is now {'enabled' if active else 'disabled'}.")


@command.command("disable")
@click.argument("name")
@with_appcontext
def disable(name: str) -> None:
    """Disable an account (ends all its sessions)."""
    _set_active(name, False)


@command.command("enable")
@click.argument("name")
@with_appcontext
def enable(name: str) -> None:
    """Re-enable a disabled account."""
    _set_active(name, True)
