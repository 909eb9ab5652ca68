"""Sign-in, registration and profile forms: one spelling per address, and the reminder consent question."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import forms as oscar_forms

from loyalty.invites import SESSION_KEY, lookup_allowed
from loyalty.reminders import selectors as reminder_selectors
from loyalty.selectors.referrals import code_owner
from loyalty.services.referrals import friend_may_register, normalized_code
from portal.users.emails import canonical_email

from .email_change import EmailChangeNeedsPassword

# The consent question, word for word as the form shows it and as the consent record keeps it.
CONSENT_HEADING = _("Reminders from Atelier")
CONSENT_INTRO = _(
    "Tick what we may send you, and where. We send nothing you leave unticked, and you can "
    "change your mind at any time under Your account, Reminders; every email has a link to stop it."
)
CONSENT_PRIVACY = _("Read how we use your details in our privacy notice.")
ADDRESS_TAKEN = _("A user with that email address already exists")
INVITE_UNKNOWN = _("We do not know this invite code. Check it, or leave the box empty to register without one.")
INVITE_TOO_MANY = _(
    "Too many invite codes were tried from your network. Please wait an hour, or leave the box empty to "
    "register without one."
)


class EmailAuthenticationForm(oscar_forms.EmailAuthenticationForm):
    def clean_username(self):
        # What the backends and the lockout see: " BEN@example.com" is ben@example.com.
        return canonical_email(self.cleaned_data["username"])


class ProfileForm(EmailChangeNeedsPassword, oscar_forms.ProfileForm):
    """Oscar's profile form; a new address needs the current password (`email_change` says why)."""

    def clean_email(self):
        # Compared with the stored address to decide whether to warn the old one of a change:
        # "ADA@example.com" typed by ada@example.com is no change.
        return canonical_email(super().clean_email())


class EmailUserCreationForm(oscar_forms.EmailUserCreationForm):
    """Oscar's registration form, plus a tick box per reminder type and channel."""

    consent_prefix = "consent_"
    consent_heading, consent_intro, consent_privacy = CONSENT_HEADING, CONSENT_INTRO, CONSENT_PRIVACY

    invite_code = forms.CharField(
        label=_("Invite code (optional)"),
        required=False,
        max_length=40,
        help_text=_("From a friend's invite link: you both get points after your first paid order."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.referrer = None
        if request is not None and not self.is_bound:
            self.initial.setdefault("invite_code", request.session.get(SESSION_KEY, ""))
        questions = reminder_selectors.consent_questions()
        self.consent_channels = [channel["label"] for channel in questions[0]["channels"]]
        self.consent_rows = []  # (reminder type's label, its field names in channel order)
        self.consent_pairs = {}  # field name -> (trigger, channel)
        for question in questions:
            names = []
            for channel in question["channels"]:
                name = f"{self.consent_prefix}{question['trigger']}_{channel['channel']}"
                self.fields[name] = forms.BooleanField(
                    required=False, initial=question["service"], label=f"{question['label']}: {channel['label']}"
                )
                self.consent_pairs[name] = (question["trigger"], channel["channel"])
                names.append(name)
            self.consent_rows.append((question["label"], names))

    def clean_email(self):
        email = canonical_email(self.cleaned_data["email"])
        if get_user_model()._default_manager.filter(email=email).exists():
            raise forms.ValidationError(ADDRESS_TAKEN, code="address_taken")
        return email

    def clean_invite_code(self):
        """The code as stored, checked against the members' codes; looking it up counts against
        the client's limit (the invite link's too), so codes cannot be guessed here either."""
        code = normalized_code(self.cleaned_data.get("invite_code"))
        if not code:
            return ""
        if self.request is not None and not lookup_allowed(self.request):
            raise forms.ValidationError(INVITE_TOO_MANY, code="too_many")
        self.referrer = code_owner(code=code)
        if self.referrer is None:
            raise forms.ValidationError(INVITE_UNKNOWN, code="unknown_invite")
        return code

    def clean(self):
        cleaned = super().clean()
        reason = friend_may_register(referrer=self.referrer, email=cleaned.get("email", ""))
        if reason:
            self.referrer = None
            self.add_error("invite_code", reason)
        return cleaned

    def existing_account_credentials(self):
        """(address, password) when the only trouble is an address that has an account and the
        password was typed twice alike: a double click, or someone who forgot they registered."""
        taken = any(error.code == "address_taken" for error in self.errors.as_data().get("email", []))
        password = self.cleaned_data.get("password1")
        if not taken or not password or self.data.get(self.add_prefix("password2")) != password:
            return None
        return canonical_email(self.data.get(self.add_prefix("email"), "")), password

    # --- for the template ---------------------------------------------------------------

    def account_fields(self):
        return [field for field in self if field.name not in self.consent_pairs]

    def consent_table(self):
        """Rows of the consent table: a reminder type and its bound check boxes, one per channel."""
        return [{"label": label, "fields": [self[name] for name in names]} for label, names in self.consent_rows]

    # --- for the consent record ------------------------------------------------------------

    def consent_allowed(self):
        """The (trigger, channel) pairs ticked."""
        return {pair for name, pair in self.consent_pairs.items() if self.cleaned_data.get(name)}

    def consent_wording(self):
        """The question as shown: heading, introduction, each box's label, the privacy sentence."""
        lines = [str(CONSENT_HEADING), str(CONSENT_INTRO)]
        lines += [str(self.fields[name].label) for label, names in self.consent_rows for name in names]
        lines.append(str(CONSENT_PRIVACY))
        return "\n".join(lines)
