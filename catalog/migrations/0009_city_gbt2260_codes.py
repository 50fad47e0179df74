"""Fill the cities' GB/T 2260 codes (part of every 准考证号); cities made later get them from load_directory."""

from django.db import migrations

# A copy of catalog.regions.GBT2260 as it was when this migration was written.
GBT2260 = {
    "hohhot": "150100",
    "baotou": "150200",
    "wuhai": "150300",
    "chifeng": "150400",
    "tongliao": "150500",
    "ordos": "150600",
    "hulunbuir": "150700",
    "bayannur": "150800",
    "ulanqab": "150900",
    "hinggan": "152200",
    "xilingol": "152500",
    "alxa": "152900",
    "manzhouli": "150781",
}


def fill(apps, schema_editor):
    City = apps.get_model("catalog", "City")
    for code, gbt2260 in GBT2260.items():
        City.objects.filter(code=code, gbt2260="").update(gbt2260=gbt2260)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_exams_sessions_tickets_gbt2260")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
