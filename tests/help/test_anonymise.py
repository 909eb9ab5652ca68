"""The case library's anonymiser: a customer's words with nothing left that could name them."""

import pytest

from care.help.anonymise import anonymise

KNOWN = {
    "names": ["Ada Lovelace", "Ada", "Lovelace"],
    "emails": ["ada@example.com"],
    "order_numbers": ["DEMO-1002", "100231"],
    "addresses": ["12 Rose Street", "SW1A 1AA", "+44 20 7946 0958"],
}


def test_known_names_emails_and_order_numbers_are_removed_in_any_case():
    text = "Hello, I'm ADA lovelace (Ada@Example.com), about order demo-1002 and 100231. Thanks, Ada"

    assert anonymise(text, **KNOWN) == "Hello, I'm [name] ([e-mail]), about order [order] and [order]. Thanks, [name]"


def test_a_name_inside_a_longer_word_is_kept():
    assert anonymise("Adam and Canada are not Ada.", names=["Ada"]) == "Adam and Canada are not [name]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to someone.else+tag@mail.co.uk please", "write to [e-mail] please"),
        ("call me on +44 20 7946 0958.", "call me on [phone]."),
        ("or 07700 900123 after six", "or [phone] after six"),
        ("my mobile (0161) 496-0000", "my mobile [phone]"),
        ("order 100999 and ATL-20451", "order [order] and [order]"),
        ("see ticket T-7K3P9Q and t-abcdef", "see ticket [ticket] and [ticket]"),
        ("we live at 3 Mill Lane, LS6 2AB", "we live at 3 Mill Lane, [address]"),
    ],
)
def test_what_we_cannot_know_is_masked_by_pattern(text, expected):
    assert anonymise(text) == expected


def test_measures_dates_and_small_numbers_are_kept():
    text = "A 3-seat sofa, 220 cm wide, bought in 2024, 2 weeks ago, 10% off"

    assert anonymise(text) == text


def test_markup_is_dropped_and_names_inside_it_found():
    text = "<p>Hi, <b>Ada</b> here</p><script>alert('x')</script> &amp; more"

    assert anonymise(text, **KNOWN) == "Hi, [name] here alert('x') & more"


def test_known_address_lines_are_removed_and_line_breaks_kept():
    text = "Deliver to 12 Rose Street\nLondon SW1A 1AA\n\nThanks"

    assert anonymise(text, **KNOWN) == "Deliver to [address]\nLondon [address]\n\nThanks"


def test_empty_and_missing_knowns_change_nothing():
    assert anonymise("", **KNOWN) == ""
    assert anonymise("A plain question.", names=["", " ", "A"], emails=[None]) == "A plain question."


def test_a_less_than_sign_is_not_taken_for_markup():
    assert anonymise("Is 90 < 100 & 3 > 2? <i>Yes</i>") == "Is 90 < 100 & 3 > 2? Yes"
