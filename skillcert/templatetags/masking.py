"""Template filters that show personal data masked (see skillcert.lib.masking)."""

from django import template

from skillcert.lib import masking

register = template.Library()
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_name", masking.mask_name)
