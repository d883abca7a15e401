"""The page's event stream. Served by the events service (`live.front`), which asks this
view who is listening and to what."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from learning.live import services
from learning.people.sessions import passive

bp = Blueprint("live", __name__)


@bp.get("/events")
@passive
@login_required
def stream():
    return services.handover(services.streams_for(current_user, request.args))


def init_app(app):
    app.register_blueprint(bp)
