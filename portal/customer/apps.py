import oscar.apps.customer.apps as oscar_customer


class CustomerConfig(oscar_customer.CustomerConfig):
    name = "portal.customer"
