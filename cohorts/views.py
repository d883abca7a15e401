"""Programs, imports and the cohort builder for L&D; the cohort space for members, with
kudos, profiles and cheers for celebrations."""

import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from cohorts import access, forming, imports, kudos, queries, services, space
from cohorts import health as cohort_health
from cohorts.forms import (
    BuilderForm,
    ChannelsForm,
    EmailForm,
    KudosForm,
    MoveRequestForm,
    NameForm,
    ProgramForm,
    UploadForm,
)
from cohorts.meetings import views as meetings
from cohorts.models import PeopleImport
from learning import htmx
from learning.errors import Refused
from learning.forms import in_languages, typed_versions
from learning.inputs import number
from learning.insights import kept
from learning.people.sessions import passive
from learning.recognition import services as recognition
from learning.views import sections
from learning.web import show_refused, submitted_status

programs = Blueprint("programs", __name__, url_prefix="/programs")
cohorts = Blueprint("cohorts", __name__, url_prefix="/cohorts")


# Programs


@programs.get("/")
@login_required
def index():
    return htmx.render(
        "cohorts/programs.html", "cohorts/programs.html", programs=services.programs(current_user)
    )


@programs.route("/new", methods=["GET", "POST"])
@login_required
def new():
    access.require_manager(current_user)
    form = in_languages(ProgramForm, "guidelines")()
    if form.validate_on_submit():
        program = services.save_program(
            current_user, token=form.token.data, **form.program_fields()
        )
        flash(
            _("%(name)s is created. Next, import its participants.", name=program.name), "success"
        )
        return htmx.redirect(url_for("programs.show", program_id=program.id))
    return htmx.render(
        "cohorts/program_form.html",
        "cohorts/_program_form.html",
        submitted_status(form),
        form=form,
        program=None,
    )


@programs.route("/<int:program_id>/edit", methods=["GET", "POST"])
@login_required
def edit(program_id):
    program = access.access_program(current_user, program_id)
    versions = typed_versions(services.program_versions(program))
    form = in_languages(ProgramForm, "guidelines")(obj=program, **versions)
    if form.validate_on_submit():
        services.save_program(current_user, program, **form.program_fields())
        flash(_("The program is saved."), "success")
        return htmx.redirect(url_for("programs.show", program_id=program.id))
    return htmx.render(
        "cohorts/program_form.html",
        "cohorts/_program_form.html",
        submitted_status(form),
        form=form,
        program=program,
    )


@programs.get("/<int:program_id>", endpoint="show")
@login_required
def program_page(program_id):
    program = access.access_program(current_user, program_id)
    live = services.published_cohorts(program)
    return htmx.render(
        "cohorts/program.html",
        "cohorts/program.html",
        program=program,
        cohorts=live,
        requests=services.open_requests(live),
        unplaced=forming.unplaced_count(program),
        imports=list(program.imports.order_by(PeopleImport.id.desc()).limit(5)),
    )


# Importing people


@programs.route("/<int:program_id>/import", methods=["GET", "POST"])
@login_required
def upload(program_id):
    program = access.access_program(current_user, program_id)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            checked = imports.preview_upload(current_user, program, form.file.data, form.token.data)
        except imports.FileProblem as problem:
            form.file.errors.append(str(problem))
        else:
            return htmx.redirect(
                url_for("programs.import_status", program_id=program.id, import_id=checked.id)
            )
    return htmx.render(
        "cohorts/upload.html",
        "cohorts/_upload_form.html",
        submitted_status(form),
        form=form,
        program=program,
    )


@programs.get("/<int:program_id>/imports/<int:import_id>")
@passive
@login_required
def import_status(program_id, import_id):
    program, checked = access.access_import(current_user, program_id, import_id)
    return htmx.render(
        "cohorts/import.html",
        "cohorts/_import_status.html",
        program=program,
        upload=checked,
        rows=imports.rows_of(checked),
    )


@programs.post("/<int:program_id>/imports/<int:import_id>/start")
@login_required
def start_import(program_id, import_id):
    program, checked = access.access_import(current_user, program_id, import_id)
    try:
        imports.start(current_user, checked, valid_only=request.form.get("valid_only") == "1")
    except Refused as error:
        flash(str(error), "error")
    return htmx.redirect(
        url_for("programs.import_status", program_id=program.id, import_id=checked.id)
    )


# The cohort builder


def _builder_form(program, formdata=None):
    form = BuilderForm(formdata=formdata, target=program.cohort_size)
    form.offer(*forming.filters(program))
    return form


def _builder_page(program, form, fragment="cohorts/_drafts.html", status=200, **context):
    return htmx.render(
        "cohorts/builder.html",
        fragment,
        status,
        program=program,
        form=form,
        drafts=forming.explain(forming.drafts(program)),
        unplaced=forming.unplaced_count(program),
        **context,
    )


@programs.route("/<int:program_id>/builder", methods=["GET", "POST"])
@login_required
def builder(program_id):
    program = access.access_program(current_user, program_id)
    form = _builder_form(program, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            proposal = forming.propose(current_user, program, form.target.data,
                                       form.department.data, form.location.data,
                                       form.seed.data or 0)  # fmt: skip
            flash(ngettext("Proposed %(num)d cohort. Check it, then publish.",
                           "Proposed %(num)d cohorts. Check them, then publish.",
                           len(proposal.cohorts)), "success")  # fmt: skip
            return htmx.redirect(url_for("programs.builder", program_id=program.id))
        return _builder_page(program, form, "cohorts/_builder_form.html", 422)
    return _builder_page(program, form)


def _builder_changed(program, cohort, done):
    """After an edit: with htmx the proposal is swapped in place, so the page keeps its
    scroll and the focused control; without, the page opens again at the edited cohort."""
    flash(done, "success")
    if htmx.wants_fragment():
        return _builder_page(program, _builder_form(program), "cohorts/_drafts_changed.html")
    anchor = f"draft-{cohort.id}"
    return htmx.redirect(url_for("programs.builder", program_id=program.id, _anchor=anchor))


@programs.post("/<int:program_id>/builder/move")
@login_required
def move_draft_member(program_id):
    program = access.access_program(current_user, program_id)
    person, cohort = forming.move(
        current_user,
        program,
        request.form.get("person_id", type=number),
        request.form.get("cohort_id", type=number),
    )
    return _builder_changed(program, cohort, f"Moved {person.display_name} to {cohort.name}.")


@programs.post("/<int:program_id>/builder/<int:cohort_id>/rename")
@login_required
def rename(program_id, cohort_id):
    program = access.access_program(current_user, program_id)
    form = NameForm()
    try:
        if not form.validate_on_submit():
            raise Refused(_("Use at most 80 characters."))
        cohort = forming.rename(current_user, program, cohort_id, form.name.data)
    except Refused as error:
        fragment = "cohorts/_drafts.html"
        naming = {"cohort_id": cohort_id, "name": form.name.data or "", "error": str(error)}
        return _builder_page(program, _builder_form(program), fragment, 422, naming=naming)
    return _builder_changed(program, cohort, f"Renamed to {cohort.name}.")


@programs.post("/<int:program_id>/builder/<int:cohort_id>/lock")
@login_required
def lock(program_id, cohort_id):
    program = access.access_program(current_user, program_id)
    cohort = forming.lock(current_user, program, cohort_id, request.form.get("locked") == "1")
    done = "keeps its members when you build again" if cohort.locked else "can be rebuilt"
    return _builder_changed(program, cohort, f"{cohort.name} {done}.")


@programs.post("/<int:program_id>/builder/<int:cohort_id>/facilitator")
@login_required
def facilitator(program_id, cohort_id):
    program = access.access_program(current_user, program_id)
    person, cohort = forming.choose_facilitator(
        current_user, program, cohort_id, request.form.get("person_id", type=number)
    )
    return _builder_changed(
        program, cohort, f"{person.display_name} will facilitate {cohort.name}."
    )


@programs.post("/<int:program_id>/publish")
@login_required
def publish(program_id):
    program = access.access_program(current_user, program_id)
    try:
        published = forming.publish(current_user, program)
    except Refused as error:
        flash(str(error), "error")
        return htmx.redirect(url_for("programs.builder", program_id=program.id))
    flash(
        ngettext(
            "%(num)d cohort is live. Members are being told by email.",
            "%(num)d cohorts are live. Members are being told by email.",
            len(published),
        ),
        "success",
    )
    return htmx.redirect(url_for("programs.show", program_id=program.id))


def now_in(person, cohort):
    """What L&D read once they placed someone: by a move or as a late joiner."""
    return _("%(name)s is now in %(cohort)s.", name=person.display_name, cohort=cohort.name)


@programs.route("/<int:program_id>/late-joiner", methods=["GET", "POST"])
@login_required
def late_joiner(program_id):
    program = access.access_program(current_user, program_id)
    form, live = EmailForm(), services.published_cohorts(program)
    found = forming.LateJoiner(None)
    if form.validate_on_submit():
        try:
            found = forming.late_joiner(current_user, program, form.email.data, live,
                                        request.form.get("cohort_id", type=number))  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        if found.joined:
            flash(now_in(found.person, found.joined), "success")
            return htmx.redirect(url_for("programs.show", program_id=program.id))
    return htmx.render("cohorts/late_joiner.html", "cohorts/_late_joiner.html",
                       submitted_status(form), program=program, form=form, person=found.person,
                       suggestion=found.suggestion, reason=found.reason, cohorts=live)  # fmt: skip


# The cohort space


@cohorts.get("/<int:cohort_id>")
@login_required
def show(cohort_id):
    cohort = access.access_cohort(current_user, cohort_id)
    entries, has_more = space.feed(cohort, current_user)
    services.record_visit(current_user, cohort, entries[0].created_at if entries else None)
    return htmx.render(
        "cohorts/show.html",
        "cohorts/show.html",
        cohort=cohort,
        members=queries.members(cohort),
        entries=entries,
        has_more=has_more,
        local_time=space.local_time,
        is_member=access.is_member(current_user, cohort),
        can_remove=lambda member_id: access.can_remove_member(current_user, cohort, member_id),
        sections=sections(space.SPACE, cohort, current_user),
        **_managing(cohort),
    )


def _managing(cohort):
    """What the space shows those who manage its members: move requests, and where to."""
    manages = access.can_manage_members(current_user, cohort)
    return {
        "manages": manages,
        "requests": services.open_requests([cohort]) if manages else [],
        "siblings": services.published_cohorts(cohort.program) if manages else [],
    }


@cohorts.get("/<int:cohort_id>/feed")
@passive
@login_required
def feed(cohort_id):
    cohort = access.access_cohort(current_user, cohort_id)
    after = request.args.get("after", type=number)
    before = request.args.get("before", type=number)
    entries, has_more = space.feed(cohort, current_user, before=before, after=after)
    if after is not None:
        if not entries:
            return "", 204
        services.record_visit(current_user, cohort, entries[0].created_at)
        return htmx.render(
            "cohorts/_feed_new.html", "cohorts/_feed_new.html", cohort=cohort, entries=entries
        )
    return htmx.render(
        "cohorts/feed.html",
        "cohorts/_feed_page.html",
        cohort=cohort,
        entries=entries,
        has_more=has_more,
    )


@cohorts.route("/<int:cohort_id>/leave", methods=["GET", "POST"])
@login_required
def leave(cohort_id):
    cohort = access.access_own_cohort(current_user, cohort_id)
    if request.method == "POST":
        services.leave(current_user, cohort)
        flash(_("You have left %(cohort)s.", cohort=cohort.name), "success")
        return htmx.redirect(url_for("home.index"))
    return htmx.render("cohorts/leave.html", "cohorts/leave.html", cohort=cohort)


@cohorts.route("/<int:cohort_id>/move-request", methods=["GET", "POST"])
@login_required
def move_request(cohort_id):
    cohort = access.access_own_cohort(current_user, cohort_id)
    form = MoveRequestForm()
    if form.validate_on_submit():
        services.ask_to_move(current_user, cohort, form.reason.data, form.token.data)
        flash(
            _("Your request is sent. Your facilitator or the learning team will reply."), "success"
        )
        return htmx.redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return htmx.render(
        "cohorts/move_request.html",
        "cohorts/_move_request_form.html",
        submitted_status(form),
        cohort=cohort,
        form=form,
    )


@cohorts.post("/<int:cohort_id>/requests/<int:request_id>/move")
@login_required
def move_member(cohort_id, request_id):
    cohort, ask = access.access_open_request(current_user, cohort_id, request_id)
    try:
        target = services.move_member(
            current_user, cohort, ask.person, request.form.get("target_id", type=number)
        )
    except Refused as error:
        flash(str(error), "error")
    else:
        flash(now_in(ask.person, target), "success")
    return htmx.redirect(url_for("cohorts.show", cohort_id=cohort.id))


@cohorts.post("/<int:cohort_id>/requests/<int:request_id>/decline")
@login_required
def decline(cohort_id, request_id):
    cohort, ask = access.access_open_request(current_user, cohort_id, request_id)
    services.decline_request(current_user, ask)
    flash(_("The request is declined."), "success")
    return htmx.redirect(url_for("cohorts.show", cohort_id=cohort.id))


@cohorts.post("/<int:cohort_id>/members/<int:person_id>/remove")
@login_required
def remove(cohort_id, person_id):
    cohort = access.access_cohort(current_user, cohort_id)
    person = services.remove_member(current_user, cohort, person_id)
    flash(
        _("%(name)s is no longer in %(cohort)s.", name=person.display_name, cohort=cohort.name),
        "success",
    )
    return htmx.redirect(url_for("cohorts.show", cohort_id=cohort.id))


# Recognition


def _kudos_page(cohort, form, status=200):
    peers, values = kudos.choices(cohort, current_user)
    form.offer(peers, values)
    return htmx.render(
        "cohorts/kudos.html",
        "cohorts/_kudos_form.html",
        status,
        cohort=cohort,
        form=form,
        values=values,
        about=recognition.THANKABLE.get((form.about.data or "").partition(":")[0]),
    )


@cohorts.route("/<int:cohort_id>/kudos", methods=["GET", "POST"], endpoint="kudos")
@login_required
def kudos_page(cohort_id):
    """Thank a cohort peer, for a value, optionally for one of their contributions."""
    cohort = access.access_own_cohort(current_user, cohort_id)
    form = KudosForm()
    if request.method == "GET":
        form.receiver.data = request.args.get("to", type=number)
        form.about.data = request.args.get("about", "")
        form.token.data = uuid.uuid4().hex
    elif form.validate_on_submit():
        try:
            given, _created = kudos.give_kudos(
                current_user, cohort, form.receiver.data, form.value.data,
                form.message.data, form.token.data, form.about.data,
            )  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            name = given.receiver.display_name
            flash(_("Your kudos to %(name)s is in the cohort feed.", name=name), "success")
            return htmx.redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return _kudos_page(cohort, form, submitted_status(form))


@cohorts.get("/<int:cohort_id>/people/<int:person_id>")
@login_required
def person(cohort_id, person_id):
    """A member's profile in the cohort: who they are, kudos and celebrations here."""
    cohort = access.access_cohort(current_user, cohort_id)
    membership = access.membership_of(person_id, cohort) or abort(404)
    return htmx.render(
        "cohorts/person.html",
        "cohorts/person.html",
        cohort=cohort,
        membership=membership,
        local_time=space.local_time,
        kudos=recognition.kudos_received(membership.person, [cohort.id]),
        celebrations=recognition.celebrations_of(membership.person, [cohort.id]),
    )


@cohorts.post("/<int:cohort_id>/celebrations/<int:milestone_id>/cheer")
@login_required
def cheer(cohort_id, milestone_id):
    cohort = access.access_own_cohort(current_user, cohort_id)
    entry = kudos.cheer(current_user, cohort, milestone_id, request.form.get("kind", ""))
    if htmx.is_htmx():
        return htmx.render("cohorts/_cheers.html", "cohorts/_cheers.html", cohort=cohort,
                           entry=entry)  # fmt: skip
    return redirect(url_for("cohorts.show", cohort_id=cohort.id, _anchor=f"feed-{entry.id}"), 303)


# Analytics and health


@programs.get("/<int:program_id>/analytics")
@login_required
def analytics(program_id):
    """Where conversations happen in the program, and which cohorts need help (L&D)."""
    program = access.access_program(current_user, program_id)
    figures = cohort_health.program_analytics_figures(program)

    def body(value):
        whole, rows, progress = cohort_health.analytics_from_plain(value)
        return render_template(
            "cohorts/_analytics_body.html", whole=whole, rows=rows, progress=progress
        )

    return htmx.render(
        "cohorts/analytics.html",
        "cohorts/analytics.html",
        program=program,
        figures=figures,
        body=None if figures.preparing else kept.rendered(figures, body),
    )


@cohorts.route("/<int:cohort_id>/channels", methods=["GET", "POST"])
@login_required
def channels(cohort_id):
    """Where the cohort's news is posted in Slack or Teams: its facilitator's and L&D's."""
    cohort = access.access_cohort_health(current_user, cohort_id)
    known = services.channels(current_user, cohort)
    chosen = known.mirrors.get("slack")
    form = ChannelsForm(data={"slack_channel": chosen.channel if chosen else ""})
    if form.offer(known.offered).validate_on_submit():
        try:
            services.choose_channels(current_user, cohort, form.slack_channel.data,
                                     form.teams_address.data, known.offered,
                                     form.teams_off.data)  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("Saved: the cohort's news goes where you chose."), "success")
            return htmx.redirect(url_for("cohorts.channels", cohort_id=cohort.id))
    page = render_template("cohorts/channels.html", cohort=cohort, form=form, known=known)
    return page, submitted_status(form)


@cohorts.get("/<int:cohort_id>/health")
@login_required
def health(cohort_id):
    """The cohort's health, explained, for its facilitator and for L&D."""
    cohort = access.access_cohort_health(current_user, cohort_id)
    conversation, checkup, progress = cohort_health.cohort_analytics(cohort)
    return htmx.render(
        "cohorts/health.html",
        "cohorts/health.html",
        cohort=cohort,
        conversation=conversation,
        health=checkup,
        progress=progress,
        sections=sections(cohort_health.HEALTH, cohort),
    )


def init_app(app):
    app.register_blueprint(meetings.bp)
    app.register_blueprint(programs)
    app.register_blueprint(cohorts)
