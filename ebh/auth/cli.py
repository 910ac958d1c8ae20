"""``ebh users ...`` and ``ebh offices ...``: account administration for operators."""
import click
import sqlalchemy as sa

from ebh.auth import service
from ebh.auth.models import Office, OfficeKind, Role, User
from ebh.db import transaction
from ebh.extensions import db


def _fail(exc: service.AccountError) -> None:
    raise click.UsageError(f"{exc.field}: {exc}")


@click.group("offices")
def offices_cli() -> None:
    """Manage offices (Behörden)."""


@offices_cli.command("create")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice([k.value for k in OfficeKind]), default="BOTH")
@click.option("--bundesland", default="NW")
@click.option("--city", default="")
def create_office_command(code: str, name: str, kind: str, bundesland: str, city: str) -> None:
    with transaction():
        try:
            office = service.create_office(code, name, OfficeKind(kind), bundesland=bundesland, city=city)
        except service.AccountError as exc:
            _fail(exc)
    click.echo(f"Office {office.code} created (id {office.id}).")


@offices_cli.command("list")
def list_offices_command() -> None:
    for office in db.session.scalars(sa.select(Office).order_by(Office.code)):
        click.echo(f"{office.code}\t{office.kind.value}\t{office.bundesland}\t{office.name}")


@click.group("users")
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.option("--office", "office_code", required=True, help="Office code, e.g. KOE")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", default="")
@click.password_option()
def create_user_command(office_code: str, username: str, display_name: str, role: str, email: str, password: str) -> None:
    with transaction():
        try:
            office = service.get_office_by_code(office_code)
            user = service.create_user(
                None, office=office, username=username, display_name=display_name, role=Role(role),
                password=password, email=email,
            )
        except service.AccountError as exc:
            _fail(exc)
    click.echo(f"User {user.username} created.")


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.UsageError(f"username: no user {username!r}")
    return user


@users_cli.command("disable")
@click.argument("username")
def disable_user_command(username: str) -> None:
    """Disable a user and end all their sessions."""
    with transaction():
        service.set_active(None, _user(username), False)
    click.echo(f"User {username} disabled; sessions ended.")


@users_cli.command("enable")
@click.argument("username")
def enable_user_command(username: str) -> None:
    with transaction():
        service.set_active(None, _user(username), True)
    click.echo(f"User {username} enabled.")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option()
def set_password_command(username: str, password: str) -> None:
    """Set a new password (operator reset) and end all sessions of the user."""
    with transaction():
        try:
            ended = service.reset_password(None, _user(username), password)
        except service.AccountError as exc:
            _fail(exc)
    click.echo(f"Password of {username} set; {ended} session(s) ended.")


@users_cli.command("list")
def list_users_command() -> None:
    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role.value}\t{user.office.code}\t{'active' if user.active else 'disabled'}")
