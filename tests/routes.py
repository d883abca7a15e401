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


def check_table(app, table, clients, ids, data=None):
    """Ask every route of `table` as every visitor it names; each must answer as it says."""
    addresses = urls(app, {endpoint for endpoint, _ in table}, ids)
    for (endpoint, method), answers in table.items():
        for who, status in answers.items():
            client, url = clients[who], addresses[endpoint]
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            response.close()  # a static file is streamed
            assert response.status_code == status, (endpoint, method, who)
