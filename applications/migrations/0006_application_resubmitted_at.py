from django.db import migrations, models
from django.db.models import Max


def from_the_audit_trail(apps, schema_editor):
    """Applications resubmitted before the field existed: the time is in the audit trail."""
    Application = apps.get_model("applications", "Application")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    latest = (
        AuditEvent.objects.filter(object_type="applications.application", action="applications.resubmitted")
        .values("object_id")
        .annotate(at=Max("at"))
    )
    for row in latest:
        Application.objects.filter(pk=int(row["object_id"])).update(resubmitted_at=row["at"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_prior_certificate_via_veteran"),
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="resubmitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="重新提交时间"),
        ),
        migrations.RunPython(from_the_audit_trail, migrations.RunPython.noop),
    ]
