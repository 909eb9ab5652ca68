"""Content-Security-Policy per area of the site.

The storefront runs with a strict policy: scripts from our origin and Stripe, inline
scripts only with the per-request nonce. The staff tools (Wagtail admin, Oscar's
dashboard, Django's admin) ship inline scripts we do not control, so their pages get
'unsafe-inline' for scripts and no nonce (a nonce would make browsers ignore it).
"""

from csp.middleware import CSPMiddleware, PolicyParts

STAFF_PREFIXES = ("/cms/", "/dashboard/", "/django-admin/")


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(STAFF_PREFIXES):
            parts.nonce = None
            parts.update = {**(parts.update or {}), "script-src": ["'unsafe-inline'"]}
        return parts
