from oscar.apps.order.abstract_models import AbstractLine

from atelier.orders import line_configuration
from configurator.describe import line_summary


class Line(AbstractLine):
    @property
    def description(self):
        """The product title and, for a configured line, its choices as they were ordered."""
        text = line_configuration(self)
        if text is not None:
            return f"{self.title} — {line_summary(text)}"
        return super().description

    @property
    def configuration_summary(self):
        text = line_configuration(self)
        return "" if text is None else line_summary(text)


from oscar.apps.order.models import *  # noqa: E402, F403
