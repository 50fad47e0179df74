"""Log in with an ID number or mobile (applicants) or a username (staff)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import Role, User
from skillcert.fields import lookup_hash
from skillcert.lib.identity import looks_like_id_number, looks_like_mobile


def find_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if looks_like_id_number(identifier):
        query = {"id_number_hash": lookup_hash(User, "id_number", identifier)}
    elif looks_like_mobile(identifier):
        query = {"phone_hash": lookup_hash(User, "phone", identifier)}
    else:
        query = {"username": identifier}
    user = User.objects.filter(**query).first()
    if user and "username" in query and user.role == Role.APPLICANT:
        return None  # applicants never log in by username
    return user


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username or "")
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
