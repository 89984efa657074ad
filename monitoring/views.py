from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from monitoring.demo import demo_feed_render


@login_not_required  # fetched by our own worker, which does not sign in
@require_safe
def demo_feed(request: HttpRequest, name: str) -> HttpResponse:
    """A bundled sample feed, only while the demo is on (``WEBCARE_DEMO``)."""
    feed = demo_feed_render(name) if settings.WEBCARE_DEMO else None
    if feed is None:
        raise Http404
    if request.headers.get("If-None-Match") == feed.etag:
        return HttpResponseNotModified(headers={"ETag": feed.etag})
    return HttpResponse(feed.content, content_type=feed.content_type, headers={"ETag": feed.etag})
