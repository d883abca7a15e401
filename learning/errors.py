"""What services raise when a person can fix the problem themselves."""


class Refused(ValueError):
    """A write refused for a reason the person can fix; `field` names the form field it is
    shown next to (none: above the form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
