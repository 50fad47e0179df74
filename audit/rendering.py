"""How an audit payload (the JSON `before`/`after` of an event) reads on a page.

Payloads are whatever a service recorded: usually a dict, sometimes with keys such as
"items" or "values" that collide with dict methods in the template language, with lists
and nested dicts as values; in principle any JSON value. Pages never walk a payload with
template attribute lookups: they render the pairs computed here. Pure: no Django imports.
"""

import json
from typing import Any


def payload_pairs(payload: Any) -> list[tuple[str, str]]:
    """(key, text) for each entry of a dict payload, in recorded order; a payload that is
    not a dict is one pair with an empty key; nothing for an empty payload."""
    if payload is None or payload == {} or payload == []:
        return []
    if isinstance(payload, dict):
        return [(str(key), value_text(value)) for key, value in payload.items()]
    return [("", value_text(payload))]


def value_text(value: Any) -> str:
    """One value as text: scalars as they are, lists joined, nested structures as JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
