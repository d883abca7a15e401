"""The rows of a hot query made into what peewee would make of them, without peewee's work at
every execution.

At every execution peewee works out again which column goes to which model and field, then
sets each value through the field's descriptor, converting it even when the database gave
it in the right type already (a date is parsed with `strptime`). For one `built_once` shape
that work is always the same: `maker` does it once, from peewee's own cursor wrapper, and
returns a function making a list of rows; `same` tells whether two results are identical,
so that tests can hold every execution to what peewee makes."""

import datetime

from peewee import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DoubleField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelCursorWrapper,
    ModelObjectCursorWrapper,
    ModelTupleCursorWrapper,
    SmallIntegerField,
    TextField,
)

# The type each of peewee's fields returns a value of unchanged (its python_value is then
# the identity): a value the database gave in that type is kept as it is.
KEPT = {
    AutoField: int,
    BigAutoField: int,
    IntegerField: int,
    BigIntegerField: int,
    SmallIntegerField: int,
    CharField: str,
    TextField: str,
    FloatField: float,
    DoubleField: float,
    BooleanField: bool,
    DateTimeField: datetime.datetime,
    DateField: datetime.date,
}
FIELD, ATTRIBUTE, ITEM = range(3)  # how a value is set on its object


def maker(query, cursor):
    """A function making the rows of `query` (whose `cursor` this is) from `fetchall()`'s
    rows, as a list; peewee's own making for dicts and named tuples."""
    wrapper = query._get_cursor_wrapper(cursor)
    if type(wrapper) is ModelCursorWrapper:
        wrapper.initialize()
        return _joined(wrapper)
    if type(wrapper) is ModelObjectCursorWrapper and wrapper.is_model:
        wrapper.initialize()
        return _objects(wrapper)
    if type(wrapper) is ModelTupleCursorWrapper:
        wrapper.initialize()
        return _tuples(wrapper)
    description = cursor.description
    return lambda rows: list(query._get_cursor_wrapper(Replay(description, rows)))


def _column(converter):
    """(convert, kept): how a column's value is converted, unless it is of type `kept`."""
    field = getattr(converter, "__self__", None)
    if not isinstance(field, Field) or converter.__func__ is not type(field).python_value:
        return converter, None  # not a field's own conversion: always applied
    while type(field) is ForeignKeyField:
        field = field.rel_field
    kept = KEPT.get(type(field))
    if kept in (datetime.datetime, datetime.date) and field.formats == type(field).formats:
        return _iso(kept, converter), kept
    return converter, kept


def _iso(kind, python_value):
    """peewee's parsing of a date or time, with Python's ISO parser (in C) tried first."""

    def parse(value):
        if value.__class__ is str:
            try:
                return kind.fromisoformat(value)
            except ValueError:
                pass
        return python_value(value)

    return parse


def _value(value, convert, kept):
    if convert is None or (value is None and kept is not None) or value.__class__ is kept:
        return value
    return convert(value)


def _tuples(wrapper):
    columns = [_column(c) if c is not None else (None, None) for c in wrapper.converters]
    if all(convert is None for convert, _ in columns):
        return lambda rows: [tuple(row) for row in rows]

    def make(rows):
        return [
            tuple(
                [_value(v, convert, kept) for v, (convert, kept) in zip(row, columns, strict=True)]
            )
            for row in rows
        ]

    return make


def _objects(wrapper):
    """One model per row (a select without joins)."""
    model = wrapper.constructor
    fields = model._meta.fields
    columns = [
        (i, name, FIELD if name in fields else ATTRIBUTE, *_column(wrapper.converters[i]))
        for i, name in enumerate(wrapper.unique_columns)
    ]

    def make(rows):
        made = []
        for row in rows:
            obj = model(__no_default__=True)
            data = obj.__data__
            for i, name, how, convert, kept in columns:
                value = _value(row[i], convert, kept)
                if how == FIELD:
                    data[name] = value
                else:
                    setattr(obj, name, value)
            made.append(obj)
        return made

    return make


def _joined(wrapper):
    """Several models per row, joined as the query joins them: peewee's ModelCursorWrapper
    (`process_row`) with its per-column work done once."""
    root = wrapper.model
    constructors = wrapper._constructor_list
    known = {key for key, _, _ in constructors}
    columns = []
    for i, key, name, converter in wrapper._row_spec:
        key = key if key in known else root
        construct, is_model = next((c, m) for k, c, m in constructors if k == key)
        how = ITEM if not is_model else FIELD if name in construct._meta.fields else ATTRIBUTE
        columns.append((i, key, name, how, *_column(converter)))
    links, reachable = wrapper.src_to_dest, wrapper._dest_reachable

    def make_row(row):
        objects, models = {}, []
        for key, construct, is_model in constructors:
            if is_model:
                objects[key] = obj = construct(__no_default__=True)
                models.append(obj)
            else:
                objects[key] = construct()
        set_keys = set()
        for i, key, name, how, convert, kept in columns:
            value = row[i]
            if value is not None:
                set_keys.add(key)
            value = _value(value, convert, kept)
            obj = objects[key]
            if how == FIELD:
                obj.__data__[name] = value
            elif how == ATTRIBUTE:
                setattr(obj, name, value)
            else:
                obj[name] = value
        # As peewee links them (ModelCursorWrapper.process_row).
        for src, attr, dest, is_dict, is_outer, is_fk in links:
            instance, joined = objects.get(src), objects.get(dest)
            if joined is None and dest not in objects:
                continue
            assign = False
            if dest not in set_keys and dest in reachable:
                assign = bool(reachable[dest] & set_keys)
            if dest not in set_keys and not assign:
                if is_outer:
                    joined = None
                else:
                    continue
            if src not in set_keys and dest not in set_keys and is_outer:
                continue
            if is_dict:
                instance[attr] = joined
            elif is_fk and joined is None:
                instance.__rel__[attr] = None
            else:
                setattr(instance, attr, joined)
        for obj in models:
            obj._dirty.clear()
        return objects[root]

    return lambda rows: [make_row(row) for row in rows]


class Replay:
    """A cursor giving back rows already fetched, for peewee to make them again."""

    def __init__(self, description, rows):
        self.description = description
        self.rows = iter(rows)

    def fetchone(self):
        return next(self.rows, None)

    def close(self):
        pass


def same(a, b):
    """Whether two results are identical: the same types and values, models with the same
    data, attributes, related objects and changed fields."""
    if isinstance(a, Model):
        return (
            type(a) is type(b)
            and a._dirty == b._dirty
            and same(a.__data__, b.__data__)
            and same(a.__rel__, b.__rel__)
            and same(_attributes(a), _attributes(b))
        )
    if isinstance(a, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def _attributes(obj):
    return {k: v for k, v in vars(obj).items() if k not in ("__data__", "__rel__", "_dirty")}
