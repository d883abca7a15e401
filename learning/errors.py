"""How a service refuses, the one way outside views. The app shows each as a page (or, for
htmx, an alert) with its status; a view with a form catches `Refused` to show it there."""


class NotFound(Exception):
    """What the person may not know exists, or what does not exist: 404."""


class NotAllowed(Exception):
    """What the person can see but may not do: 403."""


class Refused(ValueError):
    """A request refused for a reason the person can fix; `field` names the form field it is
    shown next to (none: above the form). Shown as a page with `status` when no form
    catches it."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


def found(thing):
    """`thing` (a row read with `get_or_none`, say), or NotFound when there is none."""
    if thing is None:
        raise NotFound
    return thing
