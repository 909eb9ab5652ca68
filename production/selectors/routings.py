"""Which configurator families have no routing yet: their orders cannot be made until a planner
adds one (the release skips a line whose family has none)."""

from configurator.models import ProductFamily

from ..models import RoutingTemplate


def families_without_routing():
    return ProductFamily.objects.exclude(slug__in=RoutingTemplate.objects.values("family_slug")).order_by("name")
