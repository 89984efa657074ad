"""The report's exports: its cases or mentions as a CSV or XLSX file, for the manager and the board."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from inbox.http import AppRequest
from inbox.reports import export
from inbox.reports.query import PERMISSION, cases_in_report, mentions_in_report, query_from
from inbox.targets.selectors import plan_of

# An XLSX file is built whole before it is sent (100,000 rows took a minute here): beyond this many rows it could
# outlast the web server's timeout, so a bigger selection is refused with the way to get it (CSV streams any number).
XLSX_MAX_ROWS = 30_000

CONTENT_TYPES = {
    export.CSV: "text/csv; charset=utf-8",
    export.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
@permission_required(PERMISSION, raise_exception=True)
def report_export(request: AppRequest, kind: str, fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The cases (or mentions) of the report that the query string selects, as the page does, one row each:
    a CSV streamed as it is read, or an XLSX file. Headers in the reader's language."""
    if kind not in export.KINDS or fmt not in CONTENT_TYPES:
        raise Http404
    zone = plan_of(request.user.organisation_id or 0).schedule.zone
    query, _problems = query_from(request.GET, today=datetime.now(ZoneInfo(zone)).date(), zone=zone)
    selected = cases_in_report(request.user, query) if kind == export.CASES else mentions_in_report(request.user, query)
    if fmt == export.XLSX and selected.count() > XLSX_MAX_ROWS:
        messages.error(
            request,
            _(
                "More than %(count)s rows are too many for a spreadsheet file made while you wait: download them as "
                "CSV, or choose a shorter period or a filter."
            )
            % {"count": formats.number_format(XLSX_MAX_ROWS, force_grouping=True)},
        )
        return redirect(f"{reverse('inbox:reports')}?{urlencode(query.params())}")
    rows = export.rows_of(kind, selected)
    name = export.filename(kind, query, fmt)
    if fmt == export.XLSX:
        response: HttpResponse | StreamingHttpResponse | FileResponse = FileResponse(
            export.xlsx_file(kind, rows, zone=zone), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt]
        )
    else:
        response = StreamingHttpResponse(export.csv_lines(kind, rows, zone=zone), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
