import oscar.apps.basket.apps as oscar_basket


class BasketConfig(oscar_basket.BasketConfig):
    name = "portal.basket"
