"""Encrypted model fields for personal data (ID numbers, phone numbers).

`EncryptedTextField` stores ciphertext and gives back plaintext in Python; its
companion `LookupHashField` stores a keyed hash of the normalised value, filled
on save, so that exact lookups work without decrypting:

    id_number = EncryptedTextField(normaliser=normalise_id_number)
    id_number_hash = LookupHashField(source="id_number", unique=True)
    User.objects.filter(id_number_hash=lookup_hash("id_number", raw_value, User))
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Lookup

from skillcert.lib.crypto import FieldCipher


@cache
def _cipher(keys: str, lookup_key: str) -> FieldCipher:
    return FieldCipher(keys, lookup_key)


def cipher() -> FieldCipher:
    return _cipher(settings.FIELD_ENCRYPTION_KEY, settings.FIELD_LOOKUP_KEY)


def _identity(value: str) -> str:
    return value


class EncryptedTextField(models.TextField):
    """Plaintext in Python, authenticated ciphertext in the database.

    Only `isnull` can be used in queries: the ciphertext is randomised, so any
    other lookup would silently match nothing. Use the companion hash field.
    """

    def __init__(self, *args: Any, normaliser: Callable[[str], str] = _identity, **kwargs: Any) -> None:
        self.normaliser = normaliser
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs  # the normaliser is code, not schema

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None or value == "":
            return value
        return cipher().decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return cipher().encrypt(self.normaliser(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted: filter on its lookup hash field instead of '{lookup_name}'")
        return super().get_lookup(lookup_name)


class LookupHashField(models.CharField):
    """Keyed hash of another field's normalised plaintext, kept in step on save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("null", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        plaintext = getattr(model_instance, self.source)
        value = hash_value(_encrypted_field(type(model_instance), self.source), plaintext)
        setattr(model_instance, self.attname, value)
        return value


def _encrypted_field(model: type[models.Model], field_name: str) -> EncryptedTextField:
    field = model._meta.get_field(field_name)
    if not isinstance(field, EncryptedTextField):
        raise FieldError(f"{model.__name__}.{field_name} is not encrypted: it has no lookup hash")
    return field


def hash_value(field: EncryptedTextField, plaintext: str | None) -> str | None:
    if plaintext in (None, ""):
        return None
    return cipher().lookup_hash(field.normaliser(plaintext))


def lookup_hash(model: type[models.Model], field_name: str, plaintext: str) -> str | None:
    """The hash to filter `<field_name>_hash` on for an exact match of `plaintext`."""
    return hash_value(_encrypted_field(model, field_name), plaintext)


# The mixin goes on models: type-check it as one, without changing its bases at run time.
if TYPE_CHECKING:
    _MixinBase = models.Model
else:
    _MixinBase = object


class LookupHashesMixin(_MixinBase):
    """Fills lookup hashes during full_clean, so constraints on them validate."""

    def clean(self) -> None:
        super().clean()
        for field in self._meta.concrete_fields:
            if isinstance(field, LookupHashField):
                field.pre_save(self, add=self._state.adding)
