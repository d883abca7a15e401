"""The app as the load runner serves it: the real app, plus the two references measured in
the same run (a minimal view; static files are the app's own) and a query count for probes.

A request carrying `X-Bench-Queries: 1` gets back `X-Queries`, the number of SQL statements it
ran. The runner sends one such probe per scenario, alone, before loading it; requests under
load count nothing."""

import logging
import threading

from learning.factory import create_app

app = create_app()


@app.get("/bench/minimal")
def minimal():
    return "minimal"


class QueryCount(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.local = threading.local()

    def emit(self, record):
        if record.name == "peewee":  # a statement; "peewee.pool" tells of connections
            self.local.count = getattr(self.local, "count", 0) + 1


def counting(wsgi_app):
    logger, counter = logging.getLogger("peewee"), QueryCount()
    logger.addHandler(counter)

    def wrapped(environ, start_response):
        if environ.get("HTTP_X_BENCH_QUERIES") != "1":
            return wsgi_app(environ, start_response)
        logger.setLevel(logging.DEBUG)
        counter.local.count = 0

        def start(status, headers, exc_info=None):
            logger.setLevel(logging.WARNING)
            return start_response(status, [*headers, ("X-Queries", str(counter.local.count))],
                                  exc_info)  # fmt: skip

        return wsgi_app(environ, start)

    return wrapped


app.wsgi_app = counting(app.wsgi_app)
