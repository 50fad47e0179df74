"""准考证号 serials per (year, city) instead of (campaign, city): the number carries only the year and
the city, so two campaigns of one year in one city gave the same numbers (refused by the unique
number: a server error at publication). Existing rows of one year and city merge into the highest."""

from django.db import migrations, models


def by_year(apps, schema_editor):
    TicketSerial = apps.get_model("exams", "TicketSerial")
    kept: dict[tuple[int, int], object] = {}
    for serial in TicketSerial.objects.select_related("campaign").order_by("-last", "pk"):
        key = (serial.campaign.year, serial.city_id)
        if key in kept:
            serial.delete()  # a lower serial of the same year and city: the highest stays
            continue
        serial.year = serial.campaign.year
        serial.save(update_fields=["year"])
        kept[key] = serial


class Migration(migrations.Migration):
    dependencies = [("exams", "0005_handbookrender"), ("catalog", "0010_exam_rules_without_heading")]

    operations = [
        migrations.AddField(
            model_name="ticketserial",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="年度"),
        ),
        migrations.RunPython(by_year, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="ticketserial", name="one_serial_per_city"),
        migrations.RemoveField(model_name="ticketserial", name="campaign"),
        migrations.AlterField(
            model_name="ticketserial",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="年度"),
        ),
        migrations.AddConstraint(
            model_name="ticketserial",
            constraint=models.UniqueConstraint(fields=("year", "city"), name="one_serial_per_year_and_city"),
        ),
    ]
