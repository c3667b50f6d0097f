from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.history import ReadOnlyHistoryAdmin
from references.forms import IdentifierLookupForm, ImportForm
from references.identifiers import parse_identifier
from references.importers import (
    ImportFileError,
    ImportRow,
    entries_from_file,
    entries_from_text,
    import_rows,
    unavailable_message,
)
from references.lookups import (
    NotFound,
    ReferenceDraft,
    ServiceUnavailable,
    lookup_identifier,
)
from references.models import LinkCheck, Reference, ReferenceNotice
from references.selectors import (
    references_with_identifiers,
    references_without_identifiers_like,
    work_key,
)
from references.services import references_import

IMPORT_SIGNING_SALT = "references.import.preview"
IMPORT_PREVIEW_MAX_AGE = 60 * 60


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "title",
        "kind",
        "citation_key",
        "year",
        "doi",
        "pmid",
        "evidence_flags",
    )
    list_filter = ("kind", "year")
    search_fields = (
        "title",
        "citation_key",
        "doi",
        "pmid",
        "pmcid",
        "nct_number",
        "authors",
    )
    fieldsets = (
        (None, {"fields": ("kind", "citation_key", "title", "authors")}),
        (
            gettext_lazy("Publication"),
            {"fields": ("source", "year", "volume", "issue", "pages")},
        ),
        (
            gettext_lazy("Identifiers"),
            {"fields": ("doi", "pmid", "pmcid", "nct_number", "url")},
        ),
    )
    # A link pasted without a scheme is read as https, as browsers do today.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        checks = (gettext_lazy("Checks"), {"fields": ("check_results",)})
        return (*self.fieldsets, checks)

    def get_readonly_fields(self, request, obj=None):
        return ("check_results",) if obj is not None else ()

    @admin.display(description=gettext_lazy("found by the daily checks"))
    def check_results(self, reference: Reference) -> str:
        """Update notices and link answers, read-only: decided in their own lists."""
        notices = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {})</li>',
            (
                (
                    reverse(
                        "admin:references_referencenotice_change", args=[notice.pk]
                    ),
                    notice.get_kind_display(),
                    notice.found_in,
                    notice.get_status_display(),
                )
                for notice in reference.notices.all()
            ),
        )
        links = format_html_join(
            "",
            "<li>{}: {} {}</li>",
            (
                (
                    check.url,
                    check.get_outcome_display(),
                    check.checked.strftime("%Y-%m-%d"),
                )
                for check in reference.link_checks.all()
            ),
        )
        if not notices and not links:
            return gettext_lazy("Not checked yet, or nothing found.")
        return format_html("<ul>{}{}</ul>", notices, links)

    def get_queryset(self, request):
        open_statuses = [ReferenceNotice.Status.NEW, ReferenceNotice.Status.CONFIRMED]
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_notices=Count(
                    "notices",
                    filter=Q(notices__status__in=open_statuses),
                    distinct=True,
                ),
                failing_links=Count(
                    "link_checks",
                    filter=~Q(link_checks__outcome=LinkCheck.Outcome.OK),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=gettext_lazy("checks"))
    def evidence_flags(self, reference: Reference) -> str:
        """Open retraction / correction notices and links not working, if any."""
        flags = []
        if reference.open_notices:
            flags.append(
                format_html(
                    '<a href="{}?reference__id__exact={}">{}</a>',
                    reverse("admin:references_referencenotice_changelist"),
                    reference.pk,
                    ngettext(
                        "%(count)s update notice",
                        "%(count)s update notices",
                        reference.open_notices,
                    )
                    % {"count": reference.open_notices},
                )
            )
        if reference.failing_links:
            flags.append(
                ngettext(
                    "%(count)s link not working",
                    "%(count)s links not working",
                    reference.failing_links,
                )
                % {"count": reference.failing_links}
            )
        return format_html_join(" · ", "{}", ((flag,) for flag in flags)) or "–"

    def get_urls(self):
        return [
            path(
                "lookup/",
                self.admin_site.admin_view(self.lookup_view),
                name="references_reference_lookup",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="references_reference_import",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "lookup_form": IdentifierLookupForm(
                initial={"identifier": request.GET.get("identifier", "")}
            ),
        }
        return super().add_view(request, form_url, extra_context)

    def lookup_view(self, request: HttpRequest) -> HttpResponse:
        """Fill the add form from a pasted identifier; nothing is saved here."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        add_url = reverse("admin:references_reference_add")
        text = request.GET.get("identifier", "").strip()
        try:
            identifier = parse_identifier(text)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(f"{add_url}?{urlencode({'identifier': text})}")
        existing = references_with_identifiers(
            **{identifier.scheme: identifier.value}
        ).first()
        if existing is not None:
            return self._already_in_library(request, existing)
        try:
            draft = lookup_identifier(identifier)
        except NotFound as error:
            messages.error(
                request,
                _(
                    "%(service)s has no record of “%(id)s”. Check the identifier, or "
                    "type the reference by hand."
                )
                % {"service": error.service, "id": identifier.value},
            )
            return HttpResponseRedirect(f"{add_url}?{urlencode({'identifier': text})}")
        except ServiceUnavailable as error:
            messages.error(request, unavailable_message(error))
            initial = {"identifier": text, identifier.scheme: identifier.value}
            return HttpResponseRedirect(f"{add_url}?{urlencode(initial)}")
        existing = references_with_identifiers(
            doi=draft.doi, pmid=draft.pmid, pmcid=draft.pmcid
        ).first()
        if existing is not None:
            return self._already_in_library(request, existing)
        self._warn_of_likely_duplicates(request, draft)
        messages.info(
            request,
            _(
                "Filled from %(services)s. Check the fields, the kind especially, "
                "then save."
            )
            % {"services": ", ".join(draft.found_in)},
        )
        initial = {
            name: value
            for name, value in draft.reference_fields().items()
            if value not in ("", None)
        }
        initial["identifier"] = text
        return HttpResponseRedirect(f"{add_url}?{urlencode(initial)}")

    def _already_in_library(self, request, existing: Reference) -> HttpResponse:
        messages.warning(
            request,
            format_html(
                _(
                    "This work is already in the library as “{}”: cite it with "
                    "[@{}] instead of adding it again."
                ),
                existing.title,
                existing.citation_key,
            ),
        )
        return HttpResponseRedirect(
            reverse("admin:references_reference_change", args=[existing.pk])
        )

    def _warn_of_likely_duplicates(self, request, draft: ReferenceDraft) -> None:
        key = work_key(title=draft.title, year=draft.year, source=draft.source)
        for existing in references_without_identifiers_like([key]).get(key, []):
            messages.warning(
                request,
                format_html(
                    _(
                        "Likely already in the library, without identifiers: "
                        "“{}” [@{}] has the same title, year and journal. Cite it, "
                        "or add these identifiers to it, rather than saving this "
                        "one."
                    ),
                    existing.title,
                    existing.citation_key,
                ),
            )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Paste many identifiers or upload a file; preview, then save the new ones."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        rows: list[ImportRow] = []
        if request.method == "POST" and "save" in request.POST:
            return self._import_save(request)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    entries = entries_from_text(form.cleaned_data["identifiers"])
                    upload = form.cleaned_data["file"]
                    if upload:
                        entries += entries_from_file(upload.name, upload.read())
                except ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    rows = import_rows(entries)
                    if not rows:
                        form.add_error(None, _("No reference was found to import."))
        return self._import_page(request, form=form, rows=rows)

    def _import_save(self, request: HttpRequest) -> HttpResponse:
        try:
            drafts = signing.loads(
                request.POST.get("payload", ""),
                salt=IMPORT_SIGNING_SALT,
                max_age=IMPORT_PREVIEW_MAX_AGE,
            )
        except signing.BadSignature:
            messages.error(
                request, _("The preview expired. Paste or upload the references again.")
            )
            return HttpResponseRedirect(reverse("admin:references_reference_import"))
        chosen = set(request.POST.getlist("include"))
        kinds = dict(Reference.Kind.choices)
        confirmed = []
        for index, draft in enumerate(drafts):
            if str(index) not in chosen:
                continue
            kind = request.POST.get(f"kind-{index}", draft["kind"])
            draft["kind"] = kind if kind in kinds else draft["kind"]
            confirmed.append(draft)
        if not confirmed:
            messages.warning(request, _("No reference was chosen, so none was added."))
            return HttpResponseRedirect(reverse("admin:references_reference_import"))
        try:
            created = references_import(drafts=confirmed, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("Nothing was added: %(errors)s Preview the references again.")
                % {"errors": " ".join(error.messages)},
            )
            return HttpResponseRedirect(reverse("admin:references_reference_import"))
        messages.success(
            request,
            _("Added %(count)s references; cite them with %(keys)s.")
            % {
                "count": len(created),
                "keys": ", ".join(f"[@{ref.citation_key}]" for ref in created),
            },
        )
        return HttpResponseRedirect(
            _safe_next(request) or reverse("admin:references_reference_changelist")
        )

    def _import_page(
        self, request: HttpRequest, *, form: ImportForm, rows: list[ImportRow]
    ) -> HttpResponse:
        new_rows = [row for row in rows if row.is_new]
        for index, row in enumerate(new_rows):
            row.new_index = index
        payload = signing.dumps(
            [_as_payload(row.draft) for row in new_rows], salt=IMPORT_SIGNING_SALT
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import references"),
            "form": form,
            "rows": rows,
            "new_rows": new_rows,
            "payload": payload,
            "kinds": Reference.Kind.choices,
            "next": _safe_next(request),
        }
        # The page's script asks for the preview alone and shows it in place.
        in_place = request.headers.get("X-Requested-With") == "fetch"
        context["in_place"] = in_place
        template = "import_preview.html" if in_place else "import.html"
        return TemplateResponse(
            request, f"admin/references/reference/{template}", context
        )


def _safe_next(request: HttpRequest) -> str:
    """Where to go after saving (the article being written, say), if on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _as_payload(draft: ReferenceDraft) -> dict:
    return draft.reference_fields()


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """The last answer of each reference link, read-only; broken ones first."""

    list_display = (
        "reference",
        "link",
        "outcome",
        "status_code",
        "final_url",
        "detail",
        "checked",
    )
    list_filter = ("outcome",)
    list_select_related = ("reference",)
    search_fields = ("reference__title", "url")
    readonly_fields = [field.name for field in LinkCheck._meta.fields]

    def get_ordering(self, request):
        working_last = Case(
            When(outcome=LinkCheck.Outcome.OK, then=Value(1)), default=Value(0)
        )
        return [working_last, "reference__title", "url"]

    @admin.display(description=gettext_lazy("link"), ordering="url")
    def link(self, check: LinkCheck) -> str:
        return format_html('<a href="{}" rel="noopener">{}</a>', check.url, check.url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
