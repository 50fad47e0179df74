"""Application conditions (申报条件) of the national occupational skill standards, as data. Pure module.

The conditions live in `applications/data/standards.json`, not in code, because every
standard version words them its own way (year counts, degree routes, levels it lacks).

Format (version 1)::

    {
      "format": 1,
      "default": "template-2018",                  # the template used for every other occupation
      "templates": {
        "template-2018": {"name": ..., "source": ..., "levels": {"5": [route, ...], ..., "1": [...]}}
      },
      "occupations": {
        "4-07-03-02": {                            # occupation code of the 2015 大典
          "name": ..., "source": ..., "note": ...,
          "template": "template-2018",             # optional, default: "default"
          "replace": {"4": [route, ...]},          # these levels' routes are exactly these
          "add": {"3": [route, ...]}               # appended to the template's routes of these levels
        }
      }
    }

A level's routes are alternatives: meeting ANY one of them is enough (“具备以下条件之一者”).
A route is met when ALL the conditions it names hold::

    {
      "id": "years_after_l4",                      # stable; the decision's rule is "<category>.l<level>.<id>"
      "text": "取得……四级/中级工……证书后，累计从事……5年（含）以上",   # the standard's words, shown to the user
      "certificate": 4,                            # holds a certificate of this level (must be level + 1)
      "years": 5,                                  # at least this many years in this or a related occupation
      "years_after_certificate": true,             # ... counted in whole years since that certificate
      "apprenticeship": true,                      # 学徒期满
      "education": ["technical_school", ...],      # one of these diplomas (values of EDUCATIONS)
      "education_related": true,                   # ... in this or a related major (本专业或相关专业)
      "preparatory_technician": true,              # holds a 预备技师 certificate
      "note": "..."                                # free text for reviewers, ignored
    }

Routes with a `certificate` serve promotion (晋级) only; the others serve initial
applications (初次) as well. `load()` checks the whole file and raises `StandardsError`
naming the place of the first mistake, so a bad edit fails at start-up, not mid-decision.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from applications import vocabulary

DATA_FILE = Path(__file__).resolve().parent / "data" / "standards.json"

LEVELS = tuple(vocabulary.NATIONAL_LEVELS)  # 5 … 1
LEVEL_NAMES = {number: f"{grade}/{title}" for number, (grade, title) in vocabulary.NATIONAL_LEVELS.items()}

EDUCATIONS = vocabulary.labels(vocabulary.EDUCATION)

_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ROUTE_KEYS = {
    "id",
    "text",
    "note",
    "certificate",
    "years",
    "years_after_certificate",
    "apprenticeship",
    "education",
    "education_related",
    "preparatory_technician",
}
_FLAGS = ("years_after_certificate", "apprenticeship", "education_related", "preparatory_technician")
_TEMPLATE_KEYS = {"name", "source", "note", "levels"}
_OCCUPATION_KEYS = {"name", "source", "note", "template", "replace", "add"}


class StandardsError(ValueError):
    """The standards file is not what `load` expects."""


@dataclass(frozen=True)
class Route:
    """One alternative of a level's application conditions; met when every named condition holds."""

    id: str
    text: str
    certificate: int | None = None
    years: float | None = None
    years_after_certificate: bool = False
    apprenticeship: bool = False
    education: frozenset[str] = frozenset()
    education_related: bool = False
    preparatory_technician: bool = False


@dataclass(frozen=True)
class Standard:
    """The conditions one standard sets, level by level."""

    name: str
    source: str
    levels: Mapping[int, tuple[Route, ...]]

    def routes(self, level: int) -> tuple[Route, ...]:
        return self.levels.get(level, ())


@dataclass(frozen=True)
class StandardConditions:
    """The default template plus per-occupation standards (already merged with their template)."""

    default: Standard
    occupations: Mapping[str, Standard]

    def for_occupation(self, code: str) -> Standard:
        return self.occupations.get(code, self.default)


@cache
def default_conditions() -> StandardConditions:
    """The shipped conditions, read once per process."""
    return load(DATA_FILE)


def load(path: Path | str = DATA_FILE) -> StandardConditions:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StandardsError(f"读不了申报条件文件 {path}：{error}") from error
    return parse(data)


def parse(data: Any) -> StandardConditions:
    _expect(isinstance(data, dict), "", "须是一个 JSON 对象")
    _expect(data.get("format") == 1, "format", "只支持格式 1")
    templates_data = data.get("templates")
    _expect(isinstance(templates_data, dict) and bool(templates_data), "templates", "须至少有一个模板")
    templates = {key: _template(value, f"templates.{key}") for key, value in templates_data.items()}
    _expect(data.get("default") in templates, "default", "须是 templates 中的一个")
    occupations_data = data.get("occupations", {})
    _expect(isinstance(occupations_data, dict), "occupations", "须是对象")
    occupations = {
        code: _occupation(code, value, templates, data["default"], f"occupations.{code}")
        for code, value in occupations_data.items()
    }
    return StandardConditions(default=templates[data["default"]], occupations=MappingProxyType(occupations))


def _template(data: Any, where: str) -> Standard:
    _keys(data, _TEMPLATE_KEYS, where)
    levels = _levels(data.get("levels"), f"{where}.levels")
    _expect(set(levels) == set(LEVELS), f"{where}.levels", "模板须列出 1–5 全部等级")
    return Standard(name=_text(data, "name", where), source=str(data.get("source", "")), levels=levels)


def _occupation(code: str, data: Any, templates: dict[str, Standard], default: str, where: str) -> Standard:
    _expect(bool(_CODE_RE.match(code)), where, "职业编码格式应为 4-12-01-01")
    _keys(data, _OCCUPATION_KEYS, where)
    base_key = data.get("template", default)
    _expect(base_key in templates, f"{where}.template", f"没有模板 {base_key}")
    levels = dict(templates[base_key].levels)
    levels.update(_levels(data.get("replace", {}), f"{where}.replace"))
    for level, routes in _levels(data.get("add", {}), f"{where}.add").items():
        levels[level] = levels.get(level, ()) + routes
    for level, routes in levels.items():
        _unique_ids(routes, f"{where} {level}级")
    source = str(data.get("source", ""))
    return Standard(name=_text(data, "name", where), source=source, levels=MappingProxyType(levels))


def _levels(data: Any, where: str) -> Mapping[int, tuple[Route, ...]]:
    _expect(isinstance(data, dict), where, '须是以等级（"1"–"5"）为键的对象')
    levels = {}
    for key, routes in data.items():
        _expect(key in {"1", "2", "3", "4", "5"}, f"{where}.{key}", "等级只能是 1–5")
        _expect(isinstance(routes, list), f"{where}.{key}", "须是条件列表")
        level = int(key)
        levels[level] = tuple(_route(route, level, f"{where}.{key}[{i}]") for i, route in enumerate(routes))
        _unique_ids(levels[level], f"{where}.{key}")
    return MappingProxyType(levels)


def _route(data: Any, level: int, where: str) -> Route:
    _keys(data, _ROUTE_KEYS, where)
    route_id = data.get("id")
    _expect(isinstance(route_id, str) and bool(_ID_RE.match(route_id)), f"{where}.id", "须是小写英文标识")
    certificate = data.get("certificate")
    _expect(
        certificate is None or (certificate == level + 1 and certificate in LEVEL_NAMES),
        f"{where}.certificate",
        "只能是下一级的等级（五级没有下一级）",
    )
    years = data.get("years")
    _expect(
        years is None or (isinstance(years, int | float) and not isinstance(years, bool) and years >= 0),
        f"{where}.years",
        "须是不小于 0 的数",
    )
    flags = {name: data.get(name, False) for name in _FLAGS}
    for name, value in flags.items():
        _expect(isinstance(value, bool), f"{where}.{name}", "须是 true 或 false")
    _expect(
        not flags["years_after_certificate"] or (certificate is not None and years is not None),
        f"{where}.years_after_certificate",
        "须同时给出 certificate 和 years",
    )
    education = data.get("education", [])
    _expect(
        isinstance(education, list) and all(value in EDUCATIONS for value in education),
        f"{where}.education",
        f"只能列出 {', '.join(EDUCATIONS)}",
    )
    _expect(not flags["education_related"] or bool(education), f"{where}.education_related", "须同时列出 education")
    route = Route(
        id=route_id,
        text=_text(data, "text", where),
        certificate=certificate,
        years=years,
        education=frozenset(education),
        **flags,
    )
    _expect(
        any((certificate, years is not None, route.apprenticeship, education, route.preparatory_technician)),
        where,
        "条件为空：至少要有一个条件",
    )
    return route


def _unique_ids(routes: tuple[Route, ...], where: str) -> None:
    ids = [route.id for route in routes]
    _expect(len(ids) == len(set(ids)), where, f"条件 id 重复：{', '.join(ids)}")


def _keys(data: Any, allowed: set[str], where: str) -> None:
    _expect(isinstance(data, dict), where, "须是 JSON 对象")
    unknown = sorted(set(data) - allowed)
    _expect(not unknown, where, f"未知字段 {', '.join(unknown)}")


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    _expect(isinstance(value, str) and bool(value.strip()), f"{where}.{key}", "须是非空文字")
    return cast(str, value)  # _expect raised unless it is a str


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise StandardsError(f"申报条件文件 {where or '(根)'}：{message}。")
