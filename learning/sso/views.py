"""Company sign-in's pages: the round trips through the company's OpenID Connect provider and
its SAML 2.0 provider (saml.py), and the admins' page (claims, who may arrive, links to
confirm, "Try sign-in").

Authlib does the protocol: discovery from the issuer, the authorization code flow with PKCE
(S256), `state` and `nonce` kept in the session, and the ID token's signature (the
provider's published keys), issuer, audience, expiry and nonce checked before anything here
reads a claim."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.audit.services import log
from learning.db import atomic
from learning.people import sessions
from learning.people.access import require_admin
from learning.people.models import Role
from learning.people.views import safe_next
from learning.security import csrf
from learning.sso import saml, services
from learning.sso.forms import SignInSettingsForm
from learning.web import submitted_status

bp = Blueprint("sso", __name__)
# In the session between leaving for the provider and coming back.
NEXT, TRYING = "sso_next", "sso_trying"


def _provider():
    if not services.configured():
        abort(404)
    return current_app.extensions["sso"].create_client("company")


@bp.get("/sign-in/company")
def start():
    """Off to the provider; back at `done`."""
    from requests import RequestException  # with Authlib, only where a provider is set up

    provider = _provider()
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return provider.authorize_redirect(url_for("sso.done", _external=True))
    except RequestException:
        return _unreachable()


@bp.get("/sign-in/company/done")
def done():
    """Back from the provider: a verified ID token signs its person in, or a page says why not
    (and the admins' "Try sign-in" shows what came, signing nobody in)."""
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    provider = _provider()
    trying = session.pop(TRYING, False) and _is_admin()
    try:
        token = provider.authorize_access_token()
    except (OAuthError, JoseError, ValueError) as error:
        return _untrusted(getattr(error, "error", type(error).__name__))
    except RequestException:
        return _unreachable()
    claims = dict(token.get("userinfo") or {})
    if trying:
        return htmx.render("learning/sso/tried.html", "learning/sso/tried.html", claims=claims,
                           rows=services.mapped(claims))  # fmt: skip
    return _signed_in(claims, session.get(NEXT))


def _signed_in(claims, target, protocol="oidc"):
    """Sign in the person the provider's verified `claims` are, or say why not."""
    try:
        person = services.signed_in_at_provider(claims["iss"], claims)
    except services.NotLinked as refused:
        return _problem(refused.message, refused.reason, 403, audited=True, protocol=protocol)
    sessions.start(person)
    return redirect(target or url_for("home.index"))


# SAML 2.0


def _saml():
    if not saml.configured():
        abort(404)


@bp.get("/sign-in/saml")
def saml_start():
    """Off to the SAML provider with a request it must answer; back at `saml_done`."""
    from saml2 import SAMLError  # only where SAML is used (init_app says why)

    _saml()
    trying = session.pop(TRYING, False) and _is_admin()
    try:
        location = saml.start(safe_next(request.args.get("next")),
                              trying_by=current_user.id if trying else None)  # fmt: skip
    except (OSError, SAMLError, ValueError):
        return _unreachable("saml")
    return redirect(location)


@bp.post("/sign-in/saml/done")
@csrf.exempt  # the provider posts it from its own site; its signature is the check
def saml_done():
    _saml()
    try:
        asked, claims = saml.answered(request.form.get("SAMLResponse", ""))
    except Exception as error:  # noqa: BLE001 (pysaml2 raises many kinds; none may sign in)
        return _untrusted(f"{type(error).__name__}: {error}", "saml")
    if asked.trying_by_id:
        return htmx.render("learning/sso/tried.html", "learning/sso/tried.html", claims=claims,
                           rows=services.mapped(claims))  # fmt: skip
    return _signed_in(claims, asked.next_page, "saml")


@bp.get("/sign-in/saml/metadata")
def saml_metadata():
    """This service's SAML metadata, at a stable address, for the provider's admins."""
    _saml()
    return Response(saml.metadata(), mimetype="application/samlmetadata+xml")


def saml_name():
    return services.provider_name("SAML_NAME")


# Each protocol: the setting that names its provider, and where a sign-in with it starts.
PROTOCOLS = {"oidc": ("OIDC_NAME", "sso.start"), "saml": ("SAML_NAME", "sso.saml_start")}


def _untrusted(reason, protocol="oidc"):
    message = _("The answer from the company's sign-in service could not be trusted, or it "
                "came too late. Sign in again.")  # fmt: skip
    return _problem(message, reason, protocol=protocol)


def _unreachable(protocol="oidc"):
    message = _("The company's sign-in service cannot be reached now. Try again in a few "
                "minutes; if it goes on, tell IT.")  # fmt: skip
    return _problem(message, "unreachable", 502, protocol=protocol)


def _problem(message, reason, status=400, audited=False, protocol="oidc"):
    """A sign-in at the provider that did not sign anyone in: what happened and what to do."""
    if not audited:
        with atomic():
            log(None, "sso_refused", "", reason=str(reason)[:60])
    setting, start = PROTOCOLS[protocol]
    return htmx.render("learning/sso/problem.html", "learning/sso/problem.html", status,
                       message=message, provider=services.provider_name(setting),
                       again=url_for(start))  # fmt: skip


def _is_admin():
    return current_user.is_authenticated and current_user.has_role(Role.ADMIN)


# The admins' page


@bp.route("/admin/sign-in", methods=["GET", "POST"])
@login_required
def admin():
    require_admin(current_user)
    form = SignInSettingsForm.of(services.settings(), services.claim_names())
    if form.validate_on_submit():
        services.save_settings(current_user, form.claims(), form.arrival_domains.data)
        flash(_("The sign-in settings are saved."), "success")
        return htmx.redirect(url_for("sso.admin"))
    waiting = services.waiting_links(current_user)
    return htmx.render("learning/sso/admin.html", "learning/sso/_settings_form.html",
                       submitted_status(form), form=form, waiting=waiting,
                       callback=url_for("sso.done", _external=True))  # fmt: skip


@bp.post("/admin/sign-in/try")
@login_required
def try_sign_in():
    """Run the sign-in at the provider and show what comes back, signing nobody in."""
    require_admin(current_user)
    start = "sso.saml_start" if request.form.get("kind") == "saml" else "sso.start"
    if start == "sso.saml_start":
        _saml()
    else:
        _provider()
    session[TRYING] = True
    return htmx.redirect(url_for(start, next=url_for("sso.admin")))


@bp.post("/admin/sign-in/links/<int:identity_id>")
@login_required
def confirm_link(identity_id):
    confirmed = request.form.get("confirmed") != "0"
    identity = services.confirm_link(current_user, identity_id, confirmed)
    name = identity.person.display_name
    flash(_("%(name)s can now sign in with the company account.", name=name) if confirmed
          else _("The link to %(name)s is refused.", name=name), "success")  # fmt: skip
    return htmx.redirect(url_for("sso.admin"))


def init_app(app):
    config = app.config
    if config["OIDC_ISSUER"]:
        # Authlib (and pysaml2, in saml.py) are imported only where a provider is set up: a
        # job worker, or a company without one, does not carry them (about 50 MB).
        from authlib.integrations.flask_client import OAuth

        # Each app its own registry: Authlib keeps a client, and the provider's metadata.
        oauth = app.extensions["sso"] = OAuth(app)
        oauth.register(
            "company",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    app.jinja_env.globals.update(
        company_sign_in=lambda: services.provider_name() if services.configured() else None,
        saml_sign_in=lambda: saml_name() if saml.configured() else None,
    )
    app.register_blueprint(bp)
