"""`{% shared_fragment "name" value ... %}…{% endshared_fragment %}`: a part of a storefront page that
is the same for every visitor, signed in or not, rendered once and kept (portal/pagecache.py).

Put in it only what shows nothing of the visitor: a product's pictures, description, facts, price
and the cards of other products. Its key holds the versions of what storefront pages show (any
change of the catalogue, content, configurator or loyalty rules renders it afresh), the day, host,
language and currency, the name and the values given; CSRF tokens and the CSP nonce in it are the
visitor's own (punched out when stored, filled in when served).
"""

from django import template
from django.utils.safestring import mark_safe

from portal import pagecache

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return mark_safe(pagecache.shared_fragment(request, name, vary_on, lambda: self.nodelist.render(context)))


@register.tag("shared_fragment")
def do_shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
