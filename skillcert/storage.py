"""Where files that carry personal data live: outside any public URL, served by views after a check.

Models name `private_files` (a callable), so migrations hold a dotted path instead of a
machine's directory; code that writes or deletes files directly uses `private_storage`.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PrivateStorage(LazyObject):
    """Set up on first use, so tests that change MEDIA_ROOT get their own directory."""

    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None)


private_storage = _PrivateStorage()


def private_files() -> _PrivateStorage:
    """The private storage by reference: migrations name this function, not a machine's path."""
    return private_storage
