"""Command-line operations: migrate, create the first admin, demo data, run everything."""

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from challenges import demo as challenges_demo
from cohorts import demo as cohorts_demo
from feedback import demo as feedback_demo
from feedback.polls import demo as polls_demo
from learning import demo
from learning.chat import services as chat
from learning.chat import slack
from learning.db import connection, db
from learning.errors import Refused
from learning.migrate import migrate
from learning.people import services as people
from learning.people.models import Person, Role
from learning.recognition import demo as recognition_demo
from learning.scim import services as scim

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"
# Each domain adds its part of the demo, in dependency order.
DOMAIN_DEMOS = [cohorts_demo.load, feedback_demo.load, polls_demo.load, challenges_demo.load]


def load_demo():
    """The demo company, then each domain's demo data; False if the database had people."""
    with connection():
        if not demo.load():
            return False
        for load in DOMAIN_DEMOS:
            load()
        recognition_demo.load()
    return True


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply pending schema migrations."""
    applied = migrate()
    click.echo(
        f"Applied {len(applied)} migration(s): {', '.join(applied)}"
        if applied
        else "Schema is up to date."
    )


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Display name")
@click.password_option()
@with_appcontext
def create_admin_command(email, name, password):
    """Create an admin who can sign in at once."""
    try:
        email = people.check_email(email)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    problem = people.password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    with connection():
        if Person.get_or_none(Person.email == email):
            raise click.ClickException(f"{email} already has an account.")
        person = people.create_person(email, name, roles=(Role.MEMBER, Role.ADMIN))
        people.set_password(person, password)
        people.accept_guidelines(person)
        people.save_preferences(person)
    click.echo(f"Admin {email} created.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Fill an empty database with a believable company."""
    if not load_demo():
        click.echo("The database already has people; demo data not loaded.")
        return
    click.echo("Demo data loaded.")


@click.command("dev")
@with_appcontext
def dev_command():
    """Migrate, load the demo if the database is empty, then run web, worker and cron."""
    from honcho.environ import parse_procfile
    from honcho.manager import Manager

    migrate()
    load_demo()
    db.close()
    port = os.environ.get("PORT", "5000")
    click.echo(
        f"\n  Open http://127.0.0.1:{port}/ and sign in with the password “{demo.PASSWORD}” as:"
    )
    for email, role in demo.SIGN_INS:
        click.echo(f"    {email:<26} {role}")
    click.echo("")
    # The processes run this interpreter's `flask`, and share the (possibly embedded) Redis.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path, "REDIS_URL": current_app.config["REDIS_URL"], "PORT": port}
    env.setdefault("BASE_URL", f"http://127.0.0.1:{port}")
    manager = Manager()
    for name, command in parse_procfile(PROCFILE.read_text()).processes.items():
        manager.add_process(name, command, env=env, cwd=str(PROCFILE.parent))
    manager.loop()
    sys.exit(manager.returncode)


@click.command("scim-token")
@click.argument("name")
@with_appcontext
def scim_token_command(name):
    """Make a token for the company's directory (SCIM) and print it, this once."""
    try:
        with connection():
            _row, token = scim.make_token(None, name)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(token)


@click.command("slack-socket")
@with_appcontext
def slack_socket_command():
    """Talk to Slack over Socket Mode (no public address needed): run one such process."""
    with connection():
        workspace = chat.workspace()
        app_token = workspace and chat.secrets(workspace)[2]
    if not app_token:
        raise click.ClickException(
            "Connect Slack with an app-level token first (Administration → Slack)."
        )
    slack.socket_mode(workspace, app_token)


def init_app(app):
    for command in (migrate_command, create_admin_command, demo_command, dev_command,
                    scim_token_command, slack_socket_command):  # fmt: skip
        app.cli.add_command(command)
