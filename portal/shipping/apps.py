import oscar.apps.shipping.apps as oscar_shipping


class ShippingConfig(oscar_shipping.ShippingConfig):
    name = "portal.shipping"
