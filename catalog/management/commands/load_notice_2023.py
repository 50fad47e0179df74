from django.core.management.base import BaseCommand

from catalog.services import load_notice_2023


class Command(BaseCommand):
    help = "Load the 2023 notice's cities, organisations, catalog and campaign (idempotent)."

    def handle(self, *args, **options):
        campaign = load_notice_2023()
        self.stdout.write(f"{campaign.title}: {campaign.offerings.count()} 个职业")
