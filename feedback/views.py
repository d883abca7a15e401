"""Threads in the cohort space: start one, read it, reply, react, accept, mark helpful."""

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cohorts import access as cohorts
from feedback import access, conversation, search, services
from feedback import moderation as moderating
from feedback.forms import EditReplyForm, PostForm, ReplyForm, ReportForm, ThreadForm
from feedback.polls import views as polls
from learning import htmx
from learning.inputs import number
from learning.people.sessions import passive
from learning.text import render_markdown
from learning.views import url_pattern
from learning.web import submitted_status

bp = Blueprint("feedback", __name__)


@bp.get("/cohorts/<int:cohort_id>/threads")
@login_required
def threads(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    page = max(request.args.get("page", 1, type=number) or 1, 1)
    shown, more = conversation.threads_page(cohort, current_user, page)
    return render_template(
        "feedback/threads.html", cohort=cohort, threads=shown, page=page, more=more
    )


@bp.route("/cohorts/<int:cohort_id>/threads/new", methods=["GET", "POST"])
@login_required
def start_thread(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    people = services.cohort_people(cohort)
    form = ThreadForm()
    form.offer(people, current_user)
    previewing = "preview" in request.form  # the Preview button, without JavaScript
    if form.validate_on_submit() and not previewing:
        thread = services.start_thread(cohort, current_user, **form.for_service())
        return htmx.redirect(url_for("feedback.show", thread_id=thread.id))
    return htmx.render(
        "feedback/new.html",
        "feedback/_thread_form.html",
        submitted_status(form),
        cohort=cohort,
        form=form,
        people=people,
        preview=render_markdown(form.body.data or "") if previewing else None,
    )


def _reply_form(choices, formdata=None):
    """The reply form; `choices` are what it can answer ((id, label) per top-level reply)."""
    form = ReplyForm(formdata=formdata)
    form.offer(choices)
    return form


def reply_links(thread, window):
    """Each reply's links, built once for the whole list (see url_pattern); those that answer
    with the conversation keep to its page."""
    return {
        "react": url_for("feedback.react", thread_id=thread.id),
        "edit": url_pattern("feedback.edit_reply", "reply_id"),
        "remove": url_pattern("feedback.remove_reply", "reply_id"),
        "report": url_pattern("feedback.report", "reply_id", thread_id=thread.id),
        "kudos": url_pattern("cohorts.kudos", "to", "about", cohort_id=thread.cohort_id),
        "accept": url_pattern("feedback.accept", "reply_id"),
        "helpful": url_pattern("feedback.helpful", "reply_id", **window.args),
    }


def _window():
    """The page of the conversation the request asks for (see conversation.Window)."""
    return conversation.Window(
        before=request.args.get("before", type=number),
        start=request.args.get("start", type=number),
    )


def _page(thread, fragment="feedback/show.html", status=200, form=None, window=None):
    window = window or _window()
    shown = conversation.conversation(thread, current_user, window)
    return htmx.render(
        "feedback/show.html",
        fragment,
        status,
        **_thread_context(thread, window),
        conversation=shown,
        reactions=shown.reactions,
        form=form or _reply_form(map(conversation.choice, shown.top)),
        revisions=conversation.revisions(thread)
        if thread.edited_at or any(r.edited_at for r in shown.replies)
        else {},
    )


def _thread_context(thread, window):
    """What every part of a thread's page needs, whole or a fragment."""
    return {
        "thread": thread,
        "window": window,
        "links": reply_links(thread, window),
        "facilitates": access.can_moderate(current_user, thread.cohort),
        "gives_feedback": access.can_give_feedback(current_user, thread),
        "people": services.cohort_people(thread.cohort),
    }


@bp.get("/threads/<int:thread_id>")
@login_required
def show(thread_id):
    thread = access.access_thread(current_user, thread_id)
    services.mark_read(thread, current_user)
    return _page(thread)


@bp.post("/threads/<int:thread_id>/replies")
@login_required
def reply(thread_id):
    thread = access.access_thread(current_user, thread_id)
    window = _window()
    choices = conversation.reply_choices(thread, window)
    form = _reply_form(choices, request.form)
    if form.validate_on_submit():
        created = services.reply(thread, current_user, **form.for_service())
        # Sent again (a double click): the page that shows the reply, drawn once.
        if not htmx.is_htmx() or getattr(created, "repeated", False):
            return htmx.redirect(services.thread_path(thread.id, created.id))
        if not thread.reply_count:  # the first reply: the conversation replaces "No replies"
            return _page(thread, "feedback/_after_reply.html", window=window)
        return _added(thread, created, choices, window)
    response = _page(thread, "feedback/_reply_form.html", submitted_status(form), form, window)
    if htmx.is_htmx():
        htmx.retarget(response, "#reply-form", "outerHTML")
    return response


def _added(thread, created, choices, window):
    """After a reply by htmx: the new reply joins the list (or its parent's answers), and the
    form comes back empty, offering the new reply to answer; the rest of the page stays."""
    created.author = current_user._get_current_object()
    if not created.parent_id:
        choices = [*choices, conversation.choice(created)]
    return htmx.render(
        "feedback/_added_reply.html",
        "feedback/_added_reply.html",
        **_thread_context(thread, window),
        item=created,
        reactions={},
        revisions={},
        form=_reply_form(choices),
    )


@bp.get("/threads/<int:thread_id>/replies")
@passive
@login_required
def new_replies(thread_id):
    """For the poll: 204 while nothing is new, the conversation's page once something is."""
    thread = access.access_thread(current_user, thread_id)
    after = request.args.get("after", 0, type=number)
    if not conversation.has_replies_after(thread, after, current_user):
        return "", 204
    return _page(thread, "feedback/_replies.html")


@bp.post("/threads/<int:thread_id>/reactions")
@login_required
def react(thread_id):
    thread = access.access_thread(current_user, thread_id)
    target = access.reply_in(thread, request.form.get("reply_id", type=number))
    services.react(current_user, thread, request.form.get("kind", ""), target)
    if htmx.is_htmx():
        post = target or thread
        return htmx.render(
            "feedback/_reactions.html",
            "feedback/_reactions.html",
            thread=thread,
            post=post,
            target=f"reply:{post.id}" if target else f"thread:{thread.id}",
            reactions=conversation.reactions_by_post(thread, current_user, [post.target]),
        )
    return htmx.redirect(url_for("feedback.show", thread_id=thread.id))


@bp.post("/replies/<int:reply_id>/answer")
@login_required
def accept(reply_id):
    item = access.access_reply(current_user, reply_id)
    services.accept_answer(current_user, item)
    return htmx.redirect(services.thread_path(item.thread_id, item.id))


@bp.post("/replies/<int:reply_id>/helpful")
@login_required
def helpful(reply_id):
    item = access.access_reply(current_user, reply_id)
    services.mark_helpful(current_user, item)
    if htmx.is_htmx():
        return _page(item.thread, "feedback/_replies.html")
    return htmx.redirect(services.thread_path(item.thread_id, item.id))


@bp.post("/preview")
@login_required
def preview():
    """What Markdown will look like, for the preview button."""
    return htmx.render(
        "feedback/_preview.html",
        "feedback/_preview.html",
        html=render_markdown(request.form.get("body", "")),
    )


def _back(thread, item=None):
    return htmx.redirect(services.thread_path(thread.id, item and item.id))


@bp.route("/threads/<int:thread_id>/edit", methods=["GET", "POST"])
@login_required
def edit_thread(thread_id):
    thread = access.require_author(current_user, access.access_thread(current_user, thread_id))
    form = PostForm(obj=thread)
    if form.validate_on_submit():
        services.edit_thread(current_user, thread, form.title.data, form.body.data, form.link.data)
        return _back(thread)
    return htmx.render(
        "feedback/edit.html",
        "feedback/edit.html",
        submitted_status(form),
        thread=thread,
        form=form,
        action=url_for("feedback.edit_thread", thread_id=thread.id),
    )


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit_reply(reply_id):
    item = access.require_author(current_user, access.access_reply(current_user, reply_id))
    form = EditReplyForm(obj=item)
    if form.validate_on_submit():
        services.edit_reply(current_user, item, form.body.data)
        return _back(item.thread, item)
    return htmx.render(
        "feedback/edit.html",
        "feedback/edit.html",
        submitted_status(form),
        thread=item.thread,
        form=form,
        action=url_for("feedback.edit_reply", reply_id=item.id),
    )


@bp.post("/threads/<int:thread_id>/remove")
@login_required
def remove_thread(thread_id):
    thread = access.access_thread(current_user, thread_id)
    services.remove_post(current_user, thread)
    flash(_("Your thread is removed. Replies to it stay."), "success")
    return _back(thread)


@bp.post("/replies/<int:reply_id>/remove")
@login_required
def remove_reply(reply_id):
    item = access.access_reply(current_user, reply_id)
    services.remove_post(current_user, item)
    flash(_("Your reply is removed."), "success")
    return _back(item.thread, item)


@bp.route("/threads/<int:thread_id>/report", methods=["GET", "POST"])
@login_required
def report(thread_id):
    thread = access.access_thread(current_user, thread_id)
    item = access.reply_in(thread, request.values.get("reply_id", type=number))
    form = ReportForm()
    if form.validate_on_submit():
        moderating.report(current_user, thread, form.reason.data, item, form.token.data)
        flash(_("Thank you. The facilitator will look at it."), "success")
        return _back(thread, item)
    return htmx.render(
        "feedback/report.html",
        "feedback/report.html",
        submitted_status(form),
        thread=thread,
        item=item,
        form=form,
    )


@bp.get("/cohorts/<int:cohort_id>/moderation")
@login_required
def moderation(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    return htmx.render(
        "feedback/moderation.html",
        "feedback/moderation.html",
        cohort=cohort,
        reports=moderating.open_reports(cohort, current_user),
    )


@bp.post("/reports/<int:report_id>/<any(hide, dismiss):action>")
@login_required
def moderate(report_id, action):
    case = access.access_report(current_user, report_id)
    moderating.moderate(current_user, case, action)
    flash(
        _("The post is hidden and its author told.")
        if action == "hide"
        else _("Report dismissed."),
        "success",
    )
    return htmx.redirect(url_for("feedback.moderation", cohort_id=case.thread.cohort_id))


@bp.post("/threads/<int:thread_id>/restore")
@login_required
def restore(thread_id):
    thread = access.access_thread(current_user, thread_id)
    post = access.reply_in(thread, request.form.get("reply_id", type=number)) or thread
    moderating.restore(current_user, thread, post)
    return _back(thread)


@bp.post("/threads/<int:thread_id>/pin")
@login_required
def pin(thread_id):
    thread = access.access_thread(current_user, thread_id)
    moderating.pin(current_user, thread, request.form.get("pinned") == "1")
    return _back(thread)


@bp.get("/search")
@login_required
def find():
    query = request.args.get("q", "").strip()
    problem = None
    if len(query) > search.MAX_QUERY:
        problem = _("Use at most %(num)d characters.", num=search.MAX_QUERY)
    elif "q" in request.args and not search.words(query):
        problem = _("Type a word or two to search for.")
    results = search.search(current_user, query) if query and not problem else []
    return htmx.render(
        "feedback/search.html",
        "feedback/_results.html",
        422 if problem else 200,
        query=query,
        problem=problem,
        results=results,
    )


def init_app(app):
    app.register_blueprint(bp)
    app.register_blueprint(polls.bp)
