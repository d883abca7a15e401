"""For the access tables: the app's routes, and a URL for each from a pool of ids; the forms
a page draws, as a browser (or an attacker) finds them."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

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


class Forms(HTMLParser):
    """The forms of a page: their method, action, fields with the values offered, and named
    submit buttons (`submitters`: a browser sends only the one clicked)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            self.current = {"method": method, "action": attrs.get("action") or "", "fields": {},
                            "submitters": {}}  # fmt: skip
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select", "button"):
            name = attrs.get("name")
            submits = tag == "button" or attrs.get("type") == "submit"
            if name:
                offered = self.current["submitters" if submits else "fields"].setdefault(name, [])
                if attrs.get("value") is not None:
                    offered.append(attrs["value"])
                self.select = offered if tag == "select" else None
        elif tag == "option" and self.select is not None and attrs.get("value") is not None:
            self.select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def form_on(html, action):
    """The values a browser would send from the page's form posting to `action` (a path):
    its hidden and filled-in fields, each field's first value."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if urlsplit(form["action"]).path == action:
            return {name: offered[0] for name, offered in form["fields"].items() if offered}
    raise AssertionError(f"no form posts to {action}")
