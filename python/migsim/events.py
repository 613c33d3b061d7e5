"""Policy events as Python objects: one class per event type of the engine's schema.

The classes are built from the same schema that reads a scenario's ``events:`` list, so a
``migsim.Quota(...)`` and a ``- type: quota`` item in a scenario file become the same engine
event, checked by the same code. Field names, units and defaults are in ``docs/scenarios.md``.

Example::

    cut = migsim.Quota(start="2027-01-01", country="RU", limit=1_050_000, label="quota_halved")
    sc.add_event(cut)
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
from typing import Any, ClassVar, Mapping

from . import _core

DateLike = "str | datetime.date"

_SCHEMA: list[dict[str, Any]] = _core.event_schema()
_COMMON = ("start", "end", "label", "source")


def _class_name(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.split("_"))


def _date_text(value: Any, where: str) -> str:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):  # numpy/pandas timestamps
        return str(value.isoformat())[:10]
    if isinstance(value, str):
        return value
    raise TypeError(f"{where}: expected a date ('YYYY-MM-DD' or datetime.date), found {value!r}")


def _check_choices(items: list[str], choices: str, where: str) -> None:
    """Each item must be one of the field's choices ('a|b|c'); fields without choices take any name."""
    allowed = choices.split("|") if choices else []
    for item in items:
        if allowed and item not in allowed:
            hint = difflib.get_close_matches(item, allowed, n=1)
            raise ValueError(f"{where}: expected one of {', '.join(allowed)}, found {item!r}"
                             + (f"; did you mean {hint[0]!r}?" if hint else ""))


def _check_schedule(value: Any, where: str) -> list[dict[str, Any]]:
    """A schedule: a list of ``{"from": date, "capacity": number}``; the engine checks the order and bounds."""
    if isinstance(value, (str, dict)) or not isinstance(value, (list, tuple)) or not value:
        raise TypeError(f"{where}: expected a list like [{{'from': '2020-04-10', 'capacity': 500}}], found {value!r}")
    steps = []
    for k, step in enumerate(value):
        if not isinstance(step, dict) or set(step) != {"from", "capacity"}:
            raise TypeError(f"{where}[{k}]: expected {{'from': date, 'capacity': number}}, found {step!r}")
        steps.append({"from": _date_text(step["from"], f"{where}[{k}].from"),
                      "capacity": _check_value("number", step["capacity"], f"{where}[{k}].capacity")})
    return steps


def _check_value(kind: str, value: Any, where: str, choices: str = "") -> Any:
    """Python-side type check (and choices); the engine checks names, ranges and dates against the scenario."""
    if kind == "schedule":
        return _check_schedule(value, where)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{where}: expected a number, found {value!r}")
        return float(value) if isinstance(value, float) else value
    if kind.endswith("_list"):
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{where}: expected a list of names, e.g. ['RU'], found {value!r}")
        for item in value:
            if not isinstance(item, str):
                raise TypeError(f"{where}: expected names (text), found {item!r}")
        _check_choices(list(value), choices, where)
        return list(value)
    if kind in ("date", "optional_date"):
        return _date_text(value, where)
    if not isinstance(value, str):
        raise TypeError(f"{where}: expected text, found {value!r}")
    _check_choices([value], choices, where)
    return value


class Event:
    """A dated policy or shock. Use a subclass (``migsim.Quota``, ``migsim.BorderClosure``, ...).

    Every event has ``start`` (a date), an optional ``end`` (inclusive), an optional ``label``
    (unique in a scenario; one is made up from the type if omitted) and an optional ``source``
    citation. The other keyword arguments are the fields of its type.
    """

    type: ClassVar[str] = ""
    fields: ClassVar[dict[str, dict[str, Any]]] = {}
    summary: ClassVar[str] = ""

    def __init__(self, start: Any, end: Any = None, *, label: str | None = None, source: str | None = None,
                 **fields: Any) -> None:
        cls = type(self)
        if not cls.type:
            raise TypeError("migsim.Event is abstract; use an event type such as migsim.Quota")
        name = cls.__name__
        values: dict[str, Any] = {"start": _check_value("date", start, f"{name}.start")}
        if end is not None:
            values["end"] = _check_value("date", end, f"{name}.end")
        if label is not None:
            values["label"] = _check_value("text", label, f"{name}.label")
        if source is not None:
            values["source"] = _check_value("text", source, f"{name}.source")
        for key, value in fields.items():
            spec = cls.fields.get(key)
            if spec is None:
                hint = difflib.get_close_matches(key, list(cls.fields) + list(_COMMON), n=1)
                raise TypeError(f"{name}: unknown field {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
                                + f" (fields: {', '.join(cls.fields)})")
            if value is not None:
                values[key] = _check_value(spec["kind"], value, f"{name}.{key}", spec.get("choices") or "")
        missing = [k for k, spec in cls.fields.items() if spec["required"] and k not in values
                   and not cls.country_or_regions_field(k)]
        if missing:
            raise TypeError(f"{name}: missing required field(s) {', '.join(missing)}")
        self._values = values

    @classmethod
    def country_or_regions_field(cls, key: str) -> bool:
        """Whether `key` is ``country`` or ``regions`` of a type that needs exactly one of the two."""
        return False

    @property
    def label(self) -> str | None:
        """The event's label (None until the engine gives it one)."""
        return self._values.get("label")

    @property
    def start(self) -> str:
        """First day in force (YYYY-MM-DD)."""
        return self._values["start"]

    @property
    def source(self) -> str | None:
        """Citation of the event, if given."""
        return self._values.get("source")

    @property
    def end(self) -> str | None:
        """Last day in force, inclusive (YYYY-MM-DD), or None if open-ended."""
        return self._values.get("end")

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        if key in type(self).fields:
            return self._values.get(key)
        raise AttributeError(f"{type(self).__name__} has no field {key!r}")

    def __setattr__(self, key: str, value: Any) -> None:
        if key.startswith("_"):
            object.__setattr__(self, key, value)
        else:
            raise AttributeError(f"{type(self).__name__} is immutable; use .replace({key}=...) for a changed copy")

    def to_dict(self) -> dict[str, Any]:
        """The event as a scenario's ``events:`` item: ``{"type": ..., "start": ..., ...}``."""
        return {"type": type(self).type, **self._values}

    def to_yaml(self) -> str:
        """The event as YAML (a flow mapping) for a scenario file."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def replace(self, **changes: Any) -> "Event":
        """A copy with some fields changed: ``q.replace(limit=500_000)``."""
        values = {**self._values, **changes}
        return type(self)(**values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"migsim.{type(self).__name__}({args})"


def event_from_dict(values: Mapping[str, Any]) -> Event:
    """Builds the policy object of an ``events:`` item (``{"type": "quota", ...}``)."""
    values = dict(values)
    type_name = values.pop("type", None)
    cls = EVENT_TYPES.get(str(type_name))
    if cls is None:
        hint = difflib.get_close_matches(str(type_name), list(EVENT_TYPES), n=1)
        raise TypeError(f"unknown event type {type_name!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
                        + f" (types: {', '.join(EVENT_TYPES)})")
    if "start" not in values:  # else Python's own "__init__() missing 1 required positional argument"
        missing = ["start"] + [key for key, spec in cls.fields.items() if spec["required"] and key not in values
                               and not cls.country_or_regions_field(key)]
        raise TypeError(f"{cls.__name__}: missing required field(s) {', '.join(missing)}")
    return cls(**values)


def _docstring(spec: Mapping[str, Any]) -> str:
    lines = [spec["summary"], "", spec["mechanics"], "", "Fields (besides start, end, label, source):"]
    for f in spec["fields"]:
        req = "required" if f["required"] else f"default {f['default'] or 'none'}"
        unit = f", {f['unit']}" if f["unit"] else ""
        lines.append(f"    {f['name']} ({f['kind']}{unit}; {req}): {f['description']}")
    lines += ["", "Example in a scenario file::", ""] + ["    " + line for line in spec["example"].splitlines()]
    return "\n".join(lines)


def _make_class(spec: Mapping[str, Any]) -> type[Event]:
    fields = {f["name"]: f for f in spec["fields"]}
    either = bool(spec["country_or_regions"])
    namespace: dict[str, Any] = {
        "type": spec["name"],
        "fields": fields,
        "summary": spec["summary"],
        "__doc__": _docstring(spec),
        "__module__": "migsim",
    }
    if either:  # "country or regions": the engine checks that exactly one is given
        namespace["country_or_regions_field"] = classmethod(lambda cls, k: k in ("country", "regions"))
    return type(_class_name(spec["name"]), (Event,), namespace)


EVENT_TYPES: dict[str, type[Event]] = {spec["name"]: _make_class(spec) for spec in _SCHEMA}
"""Every event type name (``"quota"``) with its class (``migsim.Quota``)."""

globals().update({cls.__name__: cls for cls in EVENT_TYPES.values()})
__all__ = ["Event", "EVENT_TYPES", "event_from_dict", *[cls.__name__ for cls in EVENT_TYPES.values()]]
