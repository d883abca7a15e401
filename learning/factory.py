"""The composition root: the only module that knows every part of the app."""

from flask import Flask
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from challenges import api as challenges_api
from challenges import platform as challenges_platform
from challenges import views as challenges
from cohorts import api as cohorts_api
from cohorts import platform as cohorts_platform
from cohorts import views as cohorts
from feedback import platform as feedback_platform
from feedback import views as feedback
from learning import cli, config, db, i18n, security, text
from learning import views as home
from learning.api import resources as platform_api
from learning.api import views as api
from learning.audit.views import bp as audit_bp
from learning.calendar import views as calendar
from learning.chat import views as chat
from learning.digest import views as digest
from learning.insights import services as reports
from learning.insights import views as insights
from learning.jobs import services as jobs
from learning.jobs import worker
from learning.live import views as live
from learning.mail import views as mail
from learning.notify import views as notify
from learning.people import views as people
from learning.people.models import ROLE_LABELS
from learning.privacy import views as privacy
from learning.recognition import views as recognition
from learning.scim import views as scim
from learning.sso import views as sso

HTMX_VERSION = "4.0.1"


def create_app(test_config=None):
    """Build the app: defaults, then the environment, then `test_config`."""
    app = Flask(
        __name__,
        instance_path=str(config.INSTANCE),
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
    )
    app.config.update(config.load(test_config))
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    jobs.ensure_redis_url(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    text.init_app(app)
    Htmx(app)
    home.init_app(app)
    people.init_app(app)
    sso.init_app(app)
    scim.init_app(app)
    api.init_app(app)
    notify.init_app(app)
    calendar.init_app(app)
    chat.init_app(app)
    live.init_app(app)
    recognition.init_app(app)
    digest.init_app(app)
    insights.init_app(app)
    reports.register(app)
    privacy.init_app(app)
    cohorts.init_app(app)
    feedback.init_app(app)
    challenges.init_app(app)
    # What each domain gives the platform.
    cohorts_platform.register(app)
    feedback_platform.register(app)
    challenges_platform.register(app)
    people.init_nav(app)
    # The public API, each package's resources.
    for blueprint in (platform_api.bp, cohorts_api.bp, challenges_api.bp):
        app.register_blueprint(blueprint)
    for blueprint in (audit_bp, mail.outbox, mail.deliveries):
        app.register_blueprint(blueprint)
    worker.init_app(app)
    cli.init_app(app)
    app.jinja_env.globals.update(
        htmx_src=f"vendor/htmx-{HTMX_VERSION}/htmx.min.js",
        htmx_sse_src=f"vendor/htmx-{HTMX_VERSION}/ext/hx-sse.min.js",
        role_labels=ROLE_LABELS,
        starts_in=text.starts_in,
    )
    return app
