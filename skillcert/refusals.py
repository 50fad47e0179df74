"""The two ways a use case says no, shared by every app.

* `TransitionRefused`: a state change (of an application, an order, later a seat, a score,
  a certificate) cannot happen now; str() is the message to show, nothing was changed.
* `Refused`: access refused with a message for the user, shown on the 403 page
  (`skillcert.errors`); raised by `accounts.permissions.require`.
"""

from django.core.exceptions import PermissionDenied


class TransitionRefused(Exception):
    """str() is the message to show; nothing was changed."""


class Refused(PermissionDenied):
    """A refusal with a message for the user (shown on the 403 page)."""

    def __init__(self, capability: str, message: str) -> None:
        super().__init__(capability)
        self.capability = capability
        self.message = message
