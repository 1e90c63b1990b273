"""File downloads of the pages: one response shape for every exported XLSX and PDF."""

from urllib.parse import quote

from django.http import HttpResponse

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    """`content` as an attachment `name.fmt`; a name in Chinese is sent as RFC 6266's
    UTF-8 `filename*` beside an ASCII fallback, so browsers keep it."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = (
        f'attachment; filename="{fallback}.{fmt}"; filename*=UTF-8\'\'{quote(f"{name}.{fmt}")}'
        if fallback != name
        else f'attachment; filename="{name}.{fmt}"'
    )
    return response
