"""Chat's pages: the admins' Slack app, one's own Slack and Teams accounts, the link the bot
sends, and the address Slack sends its requests to (HTTP mode)."""

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.chat import services, slack, teams
from learning.chat.forms import SlackForm, TeamsForm
from learning.chat.models import SLACK, TEAMS
from learning.errors import NotFound, Refused
from learning.forms import Form
from learning.mail.services import absolute_url
from learning.people.access import require_admin
from learning.security import csrf, limiter
from learning.web import show_refused, submitted_status

bp = Blueprint("chat", __name__)


@bp.route("/admin/slack", methods=["GET", "POST"])
@login_required
def admin():
    require_admin(current_user)
    form = SlackForm()
    if form.validate_on_submit():
        try:
            team_id, team, bot_user = slack.identify(form.bot_token.data)
        except Refused as refused:
            show_refused(form, refused)
        else:
            services.install(current_user, team_id, team, bot_user, form.bot_token.data,
                             form.signing_secret.data, form.app_token.data or "")  # fmt: skip
            flash(_("Slack is connected to %(team)s.", team=team or team_id), "success")
            return htmx.redirect(url_for("chat.admin"))
    return htmx.render("learning/chat/admin.html", "learning/chat/_slack_form.html",
                       submitted_status(form), form=form, workspace=services.workspace(),
                       failed=services.failed_messages())  # fmt: skip


@bp.get("/admin/slack/manifest.json")
@login_required
def manifest():
    """The Slack app's manifest, this server's addresses filled in, for api.slack.com/apps."""
    require_admin(current_user)
    response = make_response(render_template("learning/chat/manifest.json",
                                              events_url=absolute_url("chat.events")))  # fmt: skip
    response.headers["Content-Type"] = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="slack-manifest.json"'
    return response


@bp.post("/admin/slack/remove")
@login_required
def remove_slack():
    require_admin(current_user)
    if Form().validate_on_submit():
        services.uninstall(current_user)
        flash(_("Slack is disconnected; nothing more is sent there."), "success")
    return htmx.redirect(url_for("chat.admin"))


@bp.post("/slack/events")
@csrf.exempt  # Slack signs its requests; bolt checks the signature and its age
@limiter.exempt
def events():
    workspace = services.workspace()
    if workspace is None:
        raise NotFound
    return slack.handle(workspace, request)


@bp.get("/account/chat")
@login_required
def account():
    return _account_page(TeamsForm(formdata=None))


def _account_page(teams_form, status=200):
    return render_template(
        "learning/chat/account.html", workspace=services.workspace(), form=Form(),
        slack=services.account(current_user, SLACK), teams=services.account(current_user, TEAMS),
        teams_form=teams_form,
    ), status  # fmt: skip


@bp.post("/account/chat/slack")
@login_required
def find_slack():
    """Connect the Slack account with one's own address: the click is the consent."""
    workspace = services.workspace()
    if workspace is None or not Form().validate_on_submit():
        raise NotFound
    try:
        user_id = slack.find_by_email(workspace, current_user.email)
        if user_id is None:
            raise Refused(_("No one in %(team)s uses %(email)s. In Slack, type /kudos and "
                            "follow the link it sends you.", team=workspace.team_name,
                            email=current_user.email))  # fmt: skip
        services.link_slack(current_user, workspace.team_id, user_id)
    except Refused as refused:
        flash(str(refused), "error")
    else:
        flash(_("Your Slack account is connected."), "success")
    return htmx.redirect(url_for("chat.account"))


@bp.route("/chat/slack/link/<token>", methods=["GET", "POST"])
@login_required
def link_slack(token):
    """The link the bot sends someone not connected yet: confirm, and it is done."""
    team_id, user_id = services.read_link_token(token)
    workspace = services.workspace()
    if workspace is None or workspace.team_id != team_id:
        raise NotFound
    form = Form()
    if form.validate_on_submit():
        try:
            services.link_slack(current_user, team_id, user_id)
        except Refused as refused:
            flash(str(refused), "error")
        else:
            flash(_("Your Slack account is connected."), "success")
        return htmx.redirect(url_for("chat.account"))
    return render_template("learning/chat/link.html", form=form, workspace=workspace)


@bp.post("/account/chat/teams")
@login_required
def connect_teams():
    form = TeamsForm()
    if form.validate_on_submit():
        try:
            services.link_teams(current_user, teams.checked_address(form.address.data))
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("Your Teams chat is connected."), "success")
            return htmx.redirect(url_for("chat.account"))
    return _account_page(form, submitted_status(form))


@bp.post("/account/chat/<any(slack, teams):service>/remove")
@login_required
def unlink(service):
    if Form().validate_on_submit():
        services.unlink(current_user, service)
        flash(_("Disconnected."), "success")
    return htmx.redirect(url_for("chat.account"))


def init_app(app):
    app.register_blueprint(bp)
