"""Serving a stored file (an upload, a complement, an issued document) to who may see it."""

from __future__ import annotations

from starlette.responses import FileResponse

from runtime.models import Attachment
from runtime.site import Site
from runtime.uploads import path_for

# Shown in the browser; anything else is downloaded: an uploaded file never runs as a page
# of the site's origin.
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp")


def download(site: Site, attachment: Attachment) -> FileResponse | None:
    """The file's response, or None if its bytes are gone."""
    path = path_for(site.settings.data_dir, attachment.id)
    if not path.exists():
        return None
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.name,
        content_disposition_type="inline" if attachment.content_type in INLINE_TYPES else "attachment",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
