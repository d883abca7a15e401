"""The WSGI application, found by `flask`, gunicorn and the RQ worker; and the same app
with its live event streams (`served`), for uvicorn."""

import gc

from learning.factory import create_app
from learning.live.front import front

app = create_app()
served = front(app)

# What is built so far (modules, routes, configuration) lives as long as the process: the
# collector leaves it out of its full passes, which walk it all while every request in flight
# waits (bench/README.md measured what that cost a long thread's slowest answers).
gc.freeze()
