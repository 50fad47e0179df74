from django.contrib import admin

from audit.admin import AuditedAdmin
from catalog.models import Campaign, CampaignOccupation, City, ExamSession, Occupation, Organisation


@admin.register(Occupation)
class OccupationAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(City)
class CityAdmin(AuditedAdmin):
    list_display = ["position", "name", "code", "hosts_direct_units"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "city", "office_phone"]
    list_filter = ["kind"]


class ExamSessionInline(admin.TabularInline):
    model = ExamSession
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["title", "year", "registration_opens", "registration_closes", "exam_date", "is_demo"]
    inlines = [ExamSessionInline]


@admin.register(CampaignOccupation)
class CampaignOccupationAdmin(AuditedAdmin):
    list_display = ["campaign", "position", "occupation"]
    list_filter = ["campaign"]
    filter_horizontal = ["levels"]
