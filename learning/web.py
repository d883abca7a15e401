"""What every view shares: the status of a form shown again, and a service's refusal shown
where the person is looking."""


def submitted_status(form):
    """422 when a submitted form is shown again with its errors, 200 otherwise."""
    return 422 if form.is_submitted() and form.errors else 200


def show_refused(form, refused):
    """Show a service's `Refused` next to its field, or above the form."""
    errors = getattr(form, refused.field).errors if refused.field else form.form_errors
    errors.append(str(refused))
