from django.contrib import admin

from config.history import ReadOnlyHistoryAdmin
from reviewers.models import AdvisoryBoardMember, Writer


@admin.register(AdvisoryBoardMember)
class AdvisoryBoardMemberAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "display_name",
        "credentials",
        "specialty",
        "institution",
        "is_active",
    )
    list_filter = ("is_active", "specialty")
    search_fields = ("display_name", "specialty", "institution", "user__username")
    raw_id_fields = ("user",)


@admin.register(Writer)
class WriterAdmin(ReadOnlyHistoryAdmin):
    list_display = ("display_name", "credentials")
    search_fields = ("display_name", "user__username")
    raw_id_fields = ("user",)
