from django.db import migrations

LEVELS = [
    (5, "五级", "初级工"),
    (4, "四级", "中级工"),
    (3, "三级", "高级工"),
    (2, "二级", "技师"),
    (1, "一级", "高级技师"),
]


def add_levels(apps, schema_editor):
    Level = apps.get_model("catalog", "Level")
    for number, name, title in LEVELS:
        Level.objects.update_or_create(number=number, defaults={"name": name, "title": title})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
