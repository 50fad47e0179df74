from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.catalog_io import UnreadableCatalog, read_catalog
from catalog.models import Campaign
from catalog.services import import_catalog


class Command(BaseCommand):
    help = "Import the occupation catalog (annex 1) from CSV, XLSX or the notice's markdown; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", help="campaign slug or year whose offerings become exactly the file's")

    def handle(self, *args, file: Path, campaign: str | None, **options):
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        target = None
        if campaign:
            target = Campaign.objects.filter(slug=campaign).first()
            if target is None and campaign.isdigit():
                target = Campaign.objects.filter(year=int(campaign), is_demo=False).first()
            if target is None:
                raise CommandError(f"认定批次不存在：{campaign}")
        try:
            report = read_catalog(file)
        except UnreadableCatalog as error:
            raise CommandError(str(error)) from None
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.errors)} 行有错误，未导入任何数据。")
        result = import_catalog(report, campaign=target)
        self.stdout.write(
            f"已导入 {result.rows} 个职业：新增 {result.occupations_created}，更名 {result.occupations_renamed}"
            + (
                f"；批次 {target.slug} 新增 {result.offerings_created}，移除 {result.offerings_removed}"
                if target
                else ""
            )
        )
