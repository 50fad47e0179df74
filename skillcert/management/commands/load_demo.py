from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from accounts.models import Role, User
from applications.demo import ensure_demo_applications
from catalog.fees import ensure_demo_fees
from catalog.services import ensure_demo_campaign
from certificates.demo import ensure_certificates_demo
from exams.demo import ensure_exam_demo
from payments.demo import ensure_payment_demo
from scoring.demo import ensure_results_demo


class Command(BaseCommand):
    help = "Load the 2023 catalog, a demo campaign around today and one account per role (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("SKILLCERT_ENV=production：不创建演示数据。")
        campaign, created = ensure_demo_campaign(timezone.localdate())
        logins = ensure_demo_accounts()
        state = "已创建" if created else "已存在，沿用"
        self.stdout.write(f"演示批次（{state}）：{campaign.title}")
        self.stdout.write(
            f"  报名 {campaign.registration_opens} 至 {campaign.registration_closes}；"
            f"缴费 {campaign.payment_opens} 至 {campaign.payment_closes}；考试 {campaign.exam_date}"
        )
        if not campaign.registration_is_open(timezone.localdate()):
            self.stdout.write("  报名已不在开放期：运行 `make demo-refresh` 把演示批次移到今天。")
        applicants = list(User.objects.filter(role=Role.APPLICANT, username__isnull=True).order_by("pk")[:3])
        for line in ensure_demo_applications(campaign, applicants):
            self.stdout.write(f"  演示申报 {line}")
        ensure_demo_fees(campaign)
        names = ["hohhot-co", "association", "hohhot-invigilator", "hohhot-reg", "hohhot-reg2"]
        names += ["hohhot-expert", "hohhot-expert2", "hohhot-expert3"]
        staff = {user.username: user for user in User.objects.filter(username__in=names)}
        if len(applicants) == 3 and len(staff) == len(names):
            for line in ensure_payment_demo(
                timezone.localdate(),
                applicant=applicants[2],
                city_reviewer=staff["hohhot-co"],
                association=staff["association"],
            ):
                self.stdout.write(f"  {line}")
            for line in ensure_exam_demo(
                timezone.localdate(),
                applicant=applicants[0],
                city_reviewer=staff["hohhot-co"],
                association=staff["association"],
                invigilator=staff["hohhot-invigilator"],
            ):
                self.stdout.write(f"  {line}")
            for line in ensure_results_demo(
                timezone.localdate(),
                applicant=applicants[1],
                co=staff["hohhot-co"],
                association=staff["association"],
                regulators=[staff["hohhot-reg"], staff["hohhot-reg2"]],
                experts=[staff["hohhot-expert"], staff["hohhot-expert2"], staff["hohhot-expert3"]],
            ):
                self.stdout.write(f"  {line}")
            for line in ensure_certificates_demo(
                timezone.localdate(),
                applicant=applicants[0],
                co=staff["hohhot-co"],
                association=staff["association"],
                regulators=[staff["hohhot-reg"], staff["hohhot-reg2"]],
                experts=[staff["hohhot-expert"], staff["hohhot-expert2"], staff["hohhot-expert3"]],
            ):
                self.stdout.write(f"  {line}")
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.role:<8} {login.login:<16} {login.note}")
