"""The survey form: a 1–5 score, "would you buy again", their words, and a score per item if several."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HIGHEST, LOWEST, BuyAgain
from .services import COMMENT_MAX

SCORE_WORDS = {1: _("very poor"), 2: _("poor"), 3: _("all right"), 4: _("good"), 5: _("excellent")}
SCORE_CHOICES = [(str(n), f"{n} – {SCORE_WORDS[n]}") for n in range(LOWEST, HIGHEST + 1)]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How did we do, from 1 (very poor) to 5 (excellent)?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a score from 1 to 5."),
            "invalid_choice": _("Please choose a score from 1 to 5."),
        },
    )
    buy_again = forms.ChoiceField(
        label=_("Would you buy from us again?"),
        choices=BuyAgain.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please tell us whether you would buy from us again."),
            "invalid_choice": _("Please tell us whether you would buy from us again."),
        },
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines) if len(lines) > 1 else []  # one item: the order's score is its score
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.TypedChoiceField(
                label=line.title,
                choices=SCORE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Please choose a score from 1 to 5 for this item, or none.")},
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.lines]

    def line_scores(self):
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}
