"""Threads in the cohort space: start one, read it, reply, react, accept, mark helpful."""

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from cohorts import services as cohorts
from cohorts.views import add_space_section
from feedback import services
from feedback.forms import ReplyForm, ThreadForm
from feedback.models import REACTIONS
from learning import htmx
from learning.people.views import submitted_status
from learning.text import render_markdown

bp = Blueprint("feedback", __name__)


@bp.route("/cohorts/<int:cohort_id>/threads/new", methods=["GET", "POST"])
@login_required
def start_thread(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    people = services.cohort_people(cohort)
    form = ThreadForm()
    form.ask.choices = [(p.id, p.display_name) for p in people if p.id != current_user.id]
    if form.validate_on_submit():
        thread = services.start_thread(
            cohort,
            current_user,
            form.kind.data,
            form.title.data,
            form.body.data,
            form.link.data,
            ask=form.ask.data or (),
        )
        return htmx.redirect(url_for("feedback.show", thread_id=thread.id))
    return htmx.render(
        "feedback/new.html",
        "feedback/_thread_form.html",
        submitted_status(form),
        cohort=cohort,
        form=form,
        people=people,
    )


def _reply_form(thread, top, formdata=None):
    form = ReplyForm(formdata=formdata)
    form.parent_id.choices = [(0, "The thread")] + [
        (item.id, f"{item.author.display_name}: {_snippet(item)}") for item in top
    ]
    return form


def _snippet(item):
    text = (item.body or item.worked or item.try_next or item.question).replace("\n", " ")
    return text[:60] + ("…" if len(text) > 60 else "")


def _page(thread, fragment="feedback/show.html", status=200, form=None):
    top, replies, reactions = services.conversation(thread, current_user)
    return htmx.render(
        "feedback/show.html",
        fragment,
        status,
        thread=thread,
        top=top,
        reactions=reactions,
        newest=max((r.id for r in replies), default=0),
        form=form or _reply_form(thread, top),
    )


@bp.get("/threads/<int:thread_id>")
@login_required
def show(thread_id):
    return _page(services.access_thread(current_user, thread_id))


@bp.post("/threads/<int:thread_id>/replies")
@login_required
def reply(thread_id):
    thread = services.access_thread(current_user, thread_id)
    top, _, _ = services.conversation(thread, current_user)
    form = _reply_form(thread, top, request.form)
    if form.validate_on_submit():
        created = services.reply(
            thread,
            current_user,
            form.body.data,
            form.parent_id.data or None,
            form.worked.data,
            form.try_next.data,
            form.question.data,
        )
        if not htmx.is_htmx():
            return htmx.redirect(
                url_for("feedback.show", thread_id=thread.id, _anchor=f"reply-{created.id}")
            )
        # Only the conversation changes; the form comes back empty.
        return _page(thread, "feedback/_after_reply.html")
    response = _page(thread, "feedback/_reply_form.html", submitted_status(form), form)
    if htmx.is_htmx():
        htmx.retarget(response, "#reply-form", "outerHTML")
    return response


@bp.get("/threads/<int:thread_id>/replies")
@login_required
def new_replies(thread_id):
    """For the poll: 204 while nothing is new, the conversation once something is."""
    thread = services.access_thread(current_user, thread_id)
    if not services.has_replies_after(thread, request.args.get("after", 0, type=int)):
        return "", 204
    return _page(thread, "feedback/_replies.html")


@bp.post("/threads/<int:thread_id>/reactions")
@login_required
def react(thread_id):
    thread = services.access_thread(current_user, thread_id)
    reply_id = request.form.get("reply_id", type=int)
    target = services.access_reply(current_user, reply_id) if reply_id else None
    if target is not None and target.thread_id != thread.id:
        target = None
    services.react(current_user, thread, request.form.get("kind", ""), target)
    if htmx.is_htmx():
        post = target or thread
        return htmx.render(
            "feedback/_reactions.html",
            "feedback/_reactions.html",
            thread=thread,
            post=post,
            target=f"reply:{post.id}" if target else f"thread:{thread.id}",
            reactions=services.reactions_by_post(thread, current_user),
        )
    return htmx.redirect(url_for("feedback.show", thread_id=thread.id))


@bp.post("/replies/<int:reply_id>/answer")
@login_required
def accept(reply_id):
    item = services.access_reply(current_user, reply_id)
    services.accept_answer(current_user, item)
    return htmx.redirect(
        url_for("feedback.show", thread_id=item.thread_id, _anchor=f"reply-{item.id}")
    )


@bp.post("/replies/<int:reply_id>/helpful")
@login_required
def helpful(reply_id):
    item = services.access_reply(current_user, reply_id)
    services.mark_helpful(current_user, item)
    if htmx.is_htmx():
        return _page(item.thread, "feedback/_replies.html")
    return htmx.redirect(
        url_for("feedback.show", thread_id=item.thread_id, _anchor=f"reply-{item.id}")
    )


@bp.post("/preview")
@login_required
def preview():
    """What Markdown will look like, for the preview button."""
    return htmx.render(
        "feedback/_preview.html",
        "feedback/_preview.html",
        html=render_markdown(request.form.get("body", "")),
    )


def _threads_section(cohort, person):
    if not services.can_post(person, cohort):
        return None
    return {
        "cohort": cohort,
        "threads": services.cohort_threads(cohort),
        "waiting": services.needs_reply(cohort, person),
    }


def init_app(app):
    app.register_blueprint(bp)
    app.jinja_env.globals["reaction_kinds"] = REACTIONS
    add_space_section(app, "feedback/_cohort_threads.html", _threads_section)
