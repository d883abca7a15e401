"""For the access tables: the app's routes, and a URL for each from a pool of ids."""

from flask import url_for


def routes(app, *blueprints):
    """(endpoint, method) for every route of these blueprints."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in blueprints
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def urls(app, endpoints, ids):
    """A URL for each endpoint, its arguments taken from `ids`."""
    arguments = {rule.endpoint: rule.arguments for rule in app.url_map.iter_rules()}
    with app.test_request_context():
        return {
            endpoint: url_for(
                endpoint, **{k: v for k, v in ids.items() if k in arguments[endpoint]}
            )
            for endpoint in endpoints
        }
