"""The WSGI application, found by `flask`, gunicorn and the RQ worker."""

from learning.factory import create_app

app = create_app()
