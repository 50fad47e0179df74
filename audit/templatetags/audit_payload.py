"""`{{ event.after|payload_pairs }}`: an audit payload as (key, text) pairs (audit.rendering)."""

from django import template

from audit.rendering import payload_pairs

register = template.Library()
register.filter("payload_pairs", payload_pairs)
