"""Payment providers: one interface (`base.PaymentProvider`), one instance per configured provider."""

from django.conf import settings
from django.utils.module_loading import import_string

from payments.providers.base import PaymentProvider

_instances: dict[str, PaymentProvider] = {}


def get_provider(identifier: str) -> PaymentProvider:
    """The provider configured under `identifier` in settings.PAYMENT_PROVIDERS."""
    if identifier not in _instances:
        try:
            path = settings.PAYMENT_PROVIDERS[identifier]
        except KeyError:
            raise LookupError(f"payment provider {identifier!r} is not configured") from None
        _instances[identifier] = import_string(path)()
    return _instances[identifier]


def reset_providers() -> None:
    """Forget built providers (settings changed: tests, key rotation)."""
    _instances.clear()
