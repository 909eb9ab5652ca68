"""The portal's own pages: health (staff), a liveness probe and sign-out."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.static import serve as serve_static
from oscar.views.decorators import permissions_required

from . import dashboard_access, health


@permissions_required(dashboard_access.STAFF)
@never_cache
def health_page(request):
    results = health.run_checks()
    status = 200 if all(result.ok for result in results) else 503
    context = {"results": results, "attention": health.needs_attention()}
    return render(request, "portal/health.html", context, status=status)


@never_cache
def liveness(request):
    """For load balancers: says only whether this process can serve, and reveals nothing else."""
    (database,) = (result for result in health.run_checks(include_workers=False) if result.name == "database")
    return JsonResponse({"status": "ok" if database.ok else "unavailable"}, status=200 if database.ok else 503)


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """Sign out on POST only, so a link on another site cannot sign a shopper out; GET asks first."""
    if request.method == "GET":
        return render(request, "portal/sign_out.html")
    logout(request)
    response = redirect(settings.OSCAR_HOMEPAGE)
    for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
        response.delete_cookie(cookie, samesite=settings.SESSION_COOKIE_SAMESITE)
    return response


def serve_media(request, path):
    """Uploaded and generated files, for the embedded and test profiles only (SERVE_MEDIA).

    The folder is read per request, not when the URLconf loads, so a test run's own media
    folder (set after import) is the one served.
    """
    return serve_static(request, path, document_root=settings.MEDIA_ROOT)
