from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.generator import generate
from catalog.models import Campaign


class Command(BaseCommand):
    help = "Fill a campaign with N fake submitted applications (benchmarks and load rehearsals only)."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug, e.g. demo")
        parser.add_argument("--count", type=int, default=100_000)

    def handle(self, *args, campaign: str, count: int, **options):
        if settings.PRODUCTION:
            raise CommandError("SKILLCERT_ENV=production：不生成模拟申报。")
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None:
            raise CommandError(f"认定批次不存在：{campaign}")
        self.stdout.write(f"已生成 {generate(target, count)} 份模拟申报。")
