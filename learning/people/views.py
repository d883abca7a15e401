"""Sign-in, password reset, account settings, invitations, onboarding and people admin."""

import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    current_user,
    fresh_login_required,
    login_required,
    logout_user,
)

from learning import htmx, i18n
from learning.errors import Refused
from learning.inputs import number
from learning.insights.access import can_read_reports
from learning.notify import preferences as notify_preferences
from learning.people import services, sessions
from learning.people.access import can_administer, can_invite, require_admin, require_inviter
from learning.people.forms import (
    AboutYouForm,
    ChangePasswordForm,
    EmailForm,
    GuidelinesForm,
    InviteForm,
    LanguageAndTimeForm,
    NewPasswordForm,
    PreferencesForm,
    ProfileForm,
    RolesForm,
    SignInForm,
)
from learning.people.models import Role
from learning.security import limiter
from learning.views import add_nav
from learning.web import submitted_status

auth = Blueprint("auth", __name__)
onboarding = Blueprint("onboarding", __name__, url_prefix="/welcome")
people = Blueprint("people", __name__, url_prefix="/people")
admin = Blueprint("admin", __name__, url_prefix="/admin")
login_manager = LoginManager()


def _account_key():
    return "account:" + services.normalize_email(request.form.get("email"))


def _limit(setting):
    return lambda: current_app.config[setting]


def _person_key():
    return f"person:{getattr(current_user, 'id', '')}"


# Every place a signed-in person types their password again (changing it, HR's report per
# person) counts against one limit, like sign-in: a stolen session is no password oracle.
# Put it below @login_required.
password_checks = limiter.shared_limit(
    _limit("SIGNIN_LIMIT"), scope="password-check", key_func=_person_key, methods=["POST"]
)


def safe_next(target):
    """Only paths on this site, so `next` cannot send anyone away. Browsers drop tabs and
    newlines inside URLs and read a backslash as a slash, so those are judged as browsers
    will see them."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", target or "").replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.netloc:
        return cleaned
    return url_for("home.index")


@auth.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_limit("SIGNIN_LIMIT"), methods=["POST"])
@limiter.limit(_limit("SIGNIN_LIMIT"), key_func=_account_key, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        person = services.authenticate(form.email.data, form.password.data)
        if person is not None:
            sessions.start(person, keep=form.remember.data)
            services.record_sign_in(person)
            return htmx.redirect(safe_next(request.args.get("next")))
        form.form_errors.append(
            "That email and password do not match an account. Check both and try again."
        )
    return htmx.render(
        "learning/people/sign_in.html",
        "learning/people/_sign_in_form.html",
        submitted_status(form),
        form=form,
    )


@auth.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        services.sign_out(current_user, session[sessions.SID])
    logout_user()
    session.clear()
    flash(_("You are signed out. See you soon."), "success")
    return htmx.redirect(url_for("auth.sign_in"))


@auth.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT"), methods=["POST"])
@limiter.limit(_limit("RESET_LIMIT"), key_func=_account_key, methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return htmx.render(
            "learning/people/reset_sent.html",
            "learning/people/_reset_sent.html",
            email=form.email.data,
        )
    return htmx.render(
        "learning/people/forgot.html",
        "learning/people/_forgot_form.html",
        submitted_status(form),
        form=form,
    )


@auth.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    link = services.reset_link(token)
    if not link.ok:
        return _link_problem(link, "reset")
    form = NewPasswordForm(person=link.row.person)
    if form.validate_on_submit():
        services.reset_password(link.row, form.password.data)
        flash(_("Your password is changed and every other session is signed out. Sign in with "
                "the new password."), "success")  # fmt: skip
        return htmx.redirect(url_for("auth.sign_in"))
    return htmx.render(
        "learning/people/reset.html",
        "learning/people/_reset_form.html",
        submitted_status(form),
        form=form,
        token=token,
    )


def _account_page(fragment, status=200, password_form=None, preferences_form=None,
                  language_form=None):  # fmt: skip
    return htmx.render(
        "learning/people/account.html",
        fragment,
        status,
        password_form=password_form or ChangePasswordForm(),
        language_form=language_form
        or LanguageAndTimeForm(language=current_user.locale, time_zone=current_user.time_zone),
        form=preferences_form or _preferences_form(current_user),
        action=url_for("auth.save_preferences"),
        submit=_("Save preferences"),
    )


@auth.get("/account")
@login_required
def account():
    return _account_page("learning/people/account.html")


@auth.post("/account/password")
@login_required
@password_checks
def change_password():
    form = ChangePasswordForm(person=current_user)
    if form.validate_on_submit():
        try:
            person = services.change_password(current_user, form.current.data, form.password.data)
        except Refused as error:
            form.current.errors.append(str(error))
        else:
            # The change ended every session; this one starts again with the new version.
            sessions.start(person, keep=session.permanent)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return htmx.redirect(url_for("auth.account"))
    return _account_page("learning/people/_password_form.html", 422, password_form=form)


@auth.post("/account/preferences")
@login_required
def save_preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        services.save_preferences(current_user, **_preference_choices(form))
        flash(_("Your notification preferences are saved."), "success")
        return htmx.redirect(url_for("auth.account"))
    return _account_page("learning/people/_preferences_form.html", 422, preferences_form=form)


@auth.post("/account/language-and-time")
@login_required
def language_and_time():
    # What the company's provider manages is shown, not sent: it stays as it is.
    managed = {"language": current_user.locale} if current_user.manages("locale") else {}
    if current_user.manages("time_zone"):
        managed["time_zone"] = current_user.time_zone
    form = LanguageAndTimeForm(**managed)
    if form.validate_on_submit():
        services.change_language_and_time(current_user, form.language.data, form.time_zone.data)
        # Said in the language chosen, which the next page speaks.
        with force_locale(i18n.supported(form.language.data) or i18n.browser_locale()):
            flash(_("Saved. Your time zone is %(zone)s.", zone=form.time_zone.data), "success")
        return htmx.redirect(url_for("auth.account"))
    fragment = "learning/people/_language_and_time_form.html"
    return _account_page(fragment, 422, language_form=form)


@auth.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out on every device."), "success")
    return htmx.redirect(url_for("auth.sign_in"))


PREFERENCES = (
    "digest_frequency",
    "digest_weekday",
    "digest_hour",
    "quiet_from",
    "quiet_until",
    "celebrate_me",
)


def _preference_choices(form):
    """The form's answers as save_preferences takes them."""
    return {
        **{name: getattr(form, name).data for name in PREFERENCES},
        "working_days": "".join(str(d) for d in sorted(set(form.working_days.data))),
        "channels": [
            (kind, channel)
            for kind, channel in notify_preferences.choices()
            if form.channel(kind, channel).data
        ],
    }


def _preferences_form(person):
    """The form filled with what the person chose, on GET."""
    saved = services.preferences(person)
    muted = notify_preferences.muted(person)
    return PreferencesForm(
        data={
            **{name: getattr(saved, name) for name in PREFERENCES},
            "working_days": [int(d) for d in saved.working_days],
            **{f"{k}_{c}": (k, c) not in muted for k, c in notify_preferences.choices()},
        }
    )


# Onboarding: three steps from the invitation link.


def _link_problem(link, kind, form=None, status=None):
    """An unusable link: 410 when expired or used, 404 when it never existed."""
    return htmx.render(
        "learning/people/link_problem.html",
        "learning/people/_link_problem.html",
        status or (404 if link.status == "invalid" else 410),
        link=link,
        kind=kind,
        form=form or EmailForm(formdata=None),
    )


def _profile_page(form, person, token=None):
    """Onboarding's first step: with a password to choose when they came by invitation."""
    return htmx.render(
        "learning/people/onboarding_profile.html",
        "learning/people/_profile_form.html",
        submitted_status(form),
        form=form,
        person=person,
        token=token,
    )


@onboarding.route("/<token>", methods=["GET", "POST"])
def start(token):
    link = services.invitation_link(token)
    if not link.ok:
        return _link_problem(link, "invitation")
    if not services.passwords_on():  # they join by signing in at the company's provider
        return redirect(url_for("auth.sign_in"))
    person = link.row.person
    form = ProfileForm(obj=person if request.method == "GET" else None, person=person)
    if form.validate_on_submit():
        person = services.accept_invitation(link.row, **form.profile())
        sessions.start(person)
        services.record_sign_in(person)
        return htmx.redirect(url_for("onboarding.guidelines"))
    return _profile_page(form, person, token)


@onboarding.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Step one for someone who signs in at the company's provider: no password to choose."""
    person = current_user
    if person.onboarding_step() != 1:
        return redirect(url_for("home.index"))
    form = AboutYouForm(obj=person, language=person.locale)
    if form.validate_on_submit():
        services.confirm_profile(person, **form.about())
        return htmx.redirect(url_for("onboarding.guidelines"))
    return _profile_page(form, person)


@onboarding.route("/guidelines", methods=["GET", "POST"])
@login_required
def guidelines():
    form = GuidelinesForm()
    if form.validate_on_submit():
        services.accept_guidelines(current_user)
        return htmx.redirect(url_for("onboarding.preferences"))
    return htmx.render(
        "learning/people/onboarding_guidelines.html",
        "learning/people/_guidelines_form.html",
        submitted_status(form),
        form=form,
    )


@onboarding.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = _preferences_form(current_user) if request.method == "GET" else PreferencesForm()
    if form.validate_on_submit():
        services.save_preferences(current_user, **_preference_choices(form))
        flash(_("Welcome, %(name)s! You are all set.", name=current_user.first_name), "success")
        return htmx.redirect(url_for("home.index"))
    return htmx.render(
        "learning/people/onboarding_preferences.html",
        "learning/people/_preferences_form.html",
        submitted_status(form),
        form=form,
        action=url_for("onboarding.preferences"),
        submit=_("Finish"),
    )


@onboarding.post("/new-link")
@limiter.limit(_limit("RESET_LIMIT"))
def new_link():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_invitation_link(form.email.data)
        flash(_("If that address has an invitation waiting, a new link is on its way."), "success")
        return htmx.redirect(url_for("auth.sign_in"))
    return _link_problem(services.LinkState(status="expired"), "invitation", form, 422)


# People admin and invitations


@people.get("/")
@login_required
def index():
    find = request.args.get("find", "")[:200]
    page = max(1, request.args.get("page", 1, type=number))
    shown, more, total = services.people(current_user, find, page)
    return htmx.render(
        "learning/people/index.html",
        "learning/people/index.html",
        people=shown,
        find=find,
        page=page,
        more=more,
        total=total,
        first=(page - 1) * services.PEOPLE_PAGE + 1,
        roles=list(Role),
    )


@people.post("/<int:person_id>/roles")
@fresh_login_required
def set_roles(person_id):
    require_admin(current_user)  # before the form: its errors are for admins only
    form = RolesForm()
    if form.validate_on_submit():
        try:
            person = services.set_roles(current_user, person_id, form.roles.data)
        except Refused as error:
            flash(str(error), "error")
        else:
            flash(_("Roles of %(name)s saved.", name=person.display_name), "success")
    else:
        flash(_("Those roles could not be saved; choose from the list."), "error")
    return htmx.redirect(url_for("people.index"))


def _inviter_key():
    return f"inviter:{current_user.id}"


@people.route("/invite", methods=["GET", "POST"])
@login_required
@limiter.limit(_limit("INVITE_LIMIT"), key_func=_inviter_key, methods=["POST"])
def invite():
    require_inviter(current_user)
    form = InviteForm()
    result = None
    if form.validate_on_submit():
        parsed = services.parse_invite_list(form.people.data)
        if parsed.errors:
            form.people.errors.extend(parsed.errors)
        else:
            result = services.invite(current_user, parsed.entries, form.token.data)
            form = InviteForm(formdata=None)
    return htmx.render(
        "learning/people/invite.html",
        "learning/people/_invite.html",
        submitted_status(form),
        form=form,
        result=result,
    )


# The administration pages, each with what it is for; the navigation has one entry for them.
ADMINISTRATION = [
    (_l("People"), "people.index", _l("Everyone's roles, invitations and personal data.")),
    (_l("Audit log"), "audit.index", _l("Who changed what, and every export.")),
    (_l("Company sign-in"), "sso.admin", _l("Signing in with the company's identity "
     "provider: which claims fill a profile, who may arrive, accounts to confirm.")),
    (_l("Provisioning"), "scim.tokens", _l("The tokens the company's directory creates, "
     "updates and deactivates people with (SCIM).")),
    (_l("Service tokens"), "api.service_tokens", _l("Tokens of integrations (HR systems, BI "
     "tools) for the platform's API.")),
    (_l("Webhooks"), "api.webhooks_page", _l("Addresses told of events as they happen, "
     "signed; what became of each delivery.")),
    (_l("Slack"), "chat.admin", _l("The company's Slack app: kudos, check-ins and notices "
     "where people already talk.")),
    (_l("Recognition"), "recognition.values", _l("The company values kudos are given for, "
     "and the words of celebrations.")),
    (_l("Failed emails"), "deliveries.failed", _l("Emails that could not be sent, to send "
     "again.")),
    (_l("Digests"), "digest.admin", _l("How many digests went out, day by day.")),
]  # fmt: skip


@admin.get("/", endpoint="index")
@login_required
def administration():
    require_admin(current_user)
    return htmx.render(
        "learning/people/administration.html",
        "learning/people/administration.html",
        pages=ADMINISTRATION,
    )


def init_nav(app):
    add_nav(app, _l("Invite people"), "people.invite", can_invite)
    pages = [endpoint for _, endpoint, _ in ADMINISTRATION]
    add_nav(app, _l("Administration"), "admin.index", can_administer, pages)
    add_nav(app, _l("Reports"), "reports.participation", can_read_reports)
    add_nav(app, _l("Your account"), "auth.account")


def init_app(app):
    app.jinja_env.globals["can_administer"] = can_administer
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.sign_in"
    login_manager.needs_refresh_message = "Please sign in again to confirm it is you."
    login_manager.needs_refresh_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_id):
        return services.signed_in(session_id, session.get(sessions.SID))

    @login_manager.unauthorized_handler
    def _unauthorized():
        flash(login_manager.login_message, "info")
        # After signing in, back to the page, never to a fragment of it (the bell, a stream).
        target = url_for("auth.sign_in", next=htmx.page_path())
        if htmx.is_htmx():
            return htmx.redirect(target)
        return redirect(target)

    sessions.init_app(app)

    @app.before_request
    def _finish_onboarding():
        if not current_user.is_authenticated or request.endpoint in ONBOARDING_FREE:
            return None
        step = current_user.onboarding_step()
        if step in ONBOARDING_STEPS:
            return htmx.redirect(url_for(ONBOARDING_STEPS[step]))
        return None

    for blueprint in (auth, onboarding, people, admin):
        app.register_blueprint(blueprint)


# Where a signed-in person finishes each step (step one signed in: they sign in at the
# company's provider; from an invitation, step one comes before signing in).
ONBOARDING_STEPS = {
    1: "onboarding.profile",
    2: "onboarding.guidelines",
    3: "onboarding.preferences",
}
ONBOARDING_FREE = {
    "static",
    "auth.sign_out",
    "onboarding.start",
    "onboarding.profile",
    "onboarding.guidelines",
    "onboarding.preferences",
}
