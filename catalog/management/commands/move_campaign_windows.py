from datetime import date

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Campaign
from catalog.services import move_campaign_windows


class Command(BaseCommand):
    help = "Shift a campaign's windows, deadlines and sessions, e.g. for a rehearsal."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug, e.g. demo")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--days", type=int, help="shift by this many days (negative: earlier)")
        group.add_argument(
            "--registration-opens", type=date.fromisoformat, help="shift so that registration opens on this date"
        )
        group.add_argument("--exam-date", type=date.fromisoformat, help="shift so that the exam is on this date")

    def handle(
        self,
        *args,
        campaign: str,
        days: int | None,
        registration_opens: date | None,
        exam_date: date | None,
        **options,
    ):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None:
            raise CommandError(f"认定批次不存在：{campaign}")
        if registration_opens is not None:
            days = (registration_opens - target.registration_opens).days
        elif exam_date is not None:
            days = (exam_date - target.exam_date).days
        assert days is not None  # the argument group requires one of the three
        target = move_campaign_windows(target, days=days)
        self.stdout.write(
            f"{target.slug}: 报名 {target.registration_opens}–{target.registration_closes}，"
            f"缴费 {target.payment_opens}–{target.payment_closes}，考试 {target.exam_date}"
        )
