from oscar.apps.order.abstract_models import AbstractLine

from configurator.selectors import LINE_OPTION_CODE
from configurator.services import line_summary


class Line(AbstractLine):
    @property
    def description(self):
        """The product title and, for a configured line, its choices as they were ordered."""
        for attribute in self.attributes.all():
            if attribute.option and attribute.option.code == LINE_OPTION_CODE:
                return f"{self.title} — {line_summary(attribute.value)}"
        return super().description

    @property
    def configuration_summary(self):
        for attribute in self.attributes.all():
            if attribute.option and attribute.option.code == LINE_OPTION_CODE:
                return line_summary(attribute.value)
        return ""


from oscar.apps.order.models import *  # noqa: E402, F403
