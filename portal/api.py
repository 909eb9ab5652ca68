"""The site's JSON API: one NinjaAPI, each domain app contributing its router."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from configurator.api import router as configurator_router

api = NinjaAPI(
    title="Atelier API",
    version="1",
    description="Configure made-to-order products: read a family's options and rules, validate and price "
    "a configuration, save a design. Prices are always computed by the server. Every refusal is an "
    "ErrorOut: `detail` in words and, for a 422, `errors` naming each field or rule at fault.",
    urls_namespace="api",
)
api.add_router("/configurator/", configurator_router)

# Request parts django-ninja names in a validation error's location, not the client's fields.
_REQUEST_PARTS = {"body", "payload", "path", "query"}


def _refusal(request, status, detail, errors=(), current_version=None):
    """Every refusal in the one documented shape (configurator.api.ErrorOut)."""
    body = {"detail": detail, "errors": list(errors), "current_version": current_version}
    return api.create_response(request, body, status=status)


@api.exception_handler(HttpError)
def refused(request, exc):
    """400 unreadable body, 409 stale version (with the current one), 429 too many requests."""
    return _refusal(request, exc.status_code, str(exc), current_version=getattr(exc, "current_version", None))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _refusal(request, 404, str(exc) or "Not Found")


@api.exception_handler(ValidationError)
def malformed_request(request, exc):
    """A request that does not match the document: the documented ErrorOut, one problem per field
    (django-ninja's own answer is a list under `detail`, which no operation documents)."""
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part not in _REQUEST_PARTS) or None,
            "rule": None,
            "code": str(error.get("type", "invalid")),
            "message": str(error.get("msg", "Invalid value.")),
        }
        for error in exc.errors
    ]
    return _refusal(request, 422, "The request does not match the API's schema.", errors)
