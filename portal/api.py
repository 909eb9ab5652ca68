"""The site's JSON API: one NinjaAPI, each domain app contributing its router."""

from ninja import NinjaAPI

from configurator.api import router as configurator_router

api = NinjaAPI(
    title="Atelier API",
    version="1",
    description="Configure made-to-order products: read a family's options and rules, validate and price "
    "a configuration, save a design. Prices are always computed by the server.",
    urls_namespace="api",
)
api.add_router("/configurator/", configurator_router)
