"""The app as the load runner serves it: the real app (`app.py`, as production serves it),
plus the two references measured in the same run (a minimal view; static files are the
app's own) and a query count for probes.

A request carrying `X-Bench-Queries: 1` gets back `X-Queries`, the number of SQL statements it
ran. The runner sends one such probe per scenario, alone, before loading it; requests under
load count nothing."""

from app import app
from learning.db import statements


@app.get("/bench/minimal")
def minimal():
    return "minimal"


def counting(wsgi_app):
    def wrapped(environ, start_response):
        if environ.get("HTTP_X_BENCH_QUERIES") != "1":
            return wsgi_app(environ, start_response)
        with statements() as seen:

            def start(status, headers, exc_info=None):
                return start_response(status, [*headers, ("X-Queries", str(len(seen)))],
                                      exc_info)  # fmt: skip

            return wsgi_app(environ, start)

    return wrapped


app.wsgi_app = counting(app.wsgi_app)
