import oscar.apps.partner.apps as oscar_partner


class PartnerConfig(oscar_partner.PartnerConfig):
    name = "portal.partner"
