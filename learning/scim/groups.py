"""The directory's groups as SCIM reads and writes them: departments, or program enrolments
(the admin's choice, `services.chosen_groups`)."""

from collections import namedtuple

from flask import current_app
from scim2_models import InvalidValueException, NotFoundException, UniquenessException

from learning.db import utcnow
from learning.inputs import number_or_none
from learning.people.models import Person
from learning.scim import services
from learning.scim.models import Department, ProgramGroup

Grouped = namedtuple("Grouped", "id name external_id members created_at")


def kind():
    """The groups of the admin's choice."""
    if services.chosen_groups() == "programs" and services.PROGRAMS in current_app.extensions:
        return Programs(current_app.extensions[services.PROGRAMS])
    return Departments()


def _found(model, group_id):
    """The row behind a Group's id, or SCIM's 404."""
    row = model.get_or_none(model.id == number_or_none(group_id))
    if row is None:
        raise NotFoundException(detail=f"No Group {group_id}.")
    return row


class Departments:
    def all(self):
        return [self._grouped(d) for d in Department.select().order_by(Department.id)]

    def one(self, group_id):
        return self._grouped(self._row(group_id))

    def save(self, group_id, name, external_id, members):
        department = self._row(group_id) if group_id else Department()
        clash = Department.select().where(Department.name == name, Department.id != department.id)
        if clash.exists():
            raise UniquenessException(detail=f"A Group is already called {name}.")
        old = department.name
        department.name, department.external_id = name, external_id
        department.save()
        if old and old != name:
            Person.update(department=name).where(Person.department == old).execute()
        Person.update(department="", changed_at=utcnow()).where(
            Person.department == name, Person.id.not_in(members or {0})
        ).execute()
        if members:
            Person.update(department=name, changed_at=utcnow()).where(
                Person.id.in_(members), Person.department != name
            ).execute()
        return self._grouped(department)

    def delete(self, group_id):
        department = self._row(group_id)
        Person.update(department="", changed_at=utcnow()).where(
            Person.department == department.name
        ).execute()
        department.delete_instance()
        return department.name

    @staticmethod
    def _row(group_id):
        return _found(Department, group_id)

    @staticmethod
    def _grouped(department):
        members = Person.select(Person.id).where(
            Person.department == department.name, Person.deprovisioned_at.is_null()
        )
        return Grouped(department.id, department.name, department.external_id,
                       [p.id for p in members], department.created_at)  # fmt: skip


class Programs:
    """A group is a program L&D made, linked by its name; its members are its participants."""

    def __init__(self, programs):
        self.programs = programs

    def all(self):
        return self._grouped(list(ProgramGroup.select().order_by(ProgramGroup.id)))

    def one(self, group_id):
        return self._grouped([self._row(group_id)])[0]

    def save(self, group_id, name, external_id, members):
        if group_id:
            link = self._row(group_id)
        else:
            program_id = self.programs.named(name)
            if program_id is None:
                raise InvalidValueException(
                    detail=f"No program is called {name}: L&D creates it first."
                )
            if ProgramGroup.select().where(ProgramGroup.program_id == program_id).exists():
                raise UniquenessException(detail=f"The program {name} is already a Group.")
            link = ProgramGroup(program_id=program_id)
        link.external_id = external_id
        link.save()
        self.programs.enrol_exactly(link.program_id, members)
        return self.one(link.id)

    def delete(self, group_id):
        """The directory stops enrolling: the link goes; the program and its people stay."""
        link = self._row(group_id)
        name = self.programs.names([link.program_id]).get(link.program_id, "")
        link.delete_instance()
        return name

    @staticmethod
    def _row(group_id):
        return _found(ProgramGroup, group_id)

    def _grouped(self, links):
        ids = [link.program_id for link in links]
        names, members = self.programs.names(ids), self.programs.participants(ids)
        return [Grouped(link.id, names.get(link.program_id, ""), link.external_id,
                        members.get(link.program_id, []), link.created_at)
                for link in links]  # fmt: skip
