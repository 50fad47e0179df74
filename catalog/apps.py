from django.apps import AppConfig
from django.db.models import signals
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("目录与认定批次")

    def ready(self) -> None:
        # Public pages and the public API are cached per version of this app's data:
        # any write to it, from a service, the admin or a command, starts a new version.
        from skillcert.public_cache import public_data_changed

        for model in self.get_models():
            signals.post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-{model.__name__}")
            signals.post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"public-del-{model.__name__}")
            for field in model._meta.local_many_to_many:
                signals.m2m_changed.connect(
                    public_data_changed, sender=field.remote_field.through, dispatch_uid=f"public-m2m-{field}"
                )
