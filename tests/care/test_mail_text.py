"""Reading an e-mail is pure Python: whatever bytes arrive, parsing returns an InboundMail, never an exception."""

from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from care.inbound_mail import parse
from care.mail_text import html_to_text, reply_text

HEADERS = st.sampled_from([b"From: ", b"To: ", b"Cc: ", b"Message-ID: ", b"Content-Type: ", b"Auto-Submitted: "])


def a_reply(text):
    message = EmailMessage()
    message["From"] = "ada@example.com"
    message["To"] = "care+T-7K3P9Q-abcdefghijklmnop@reply.example"
    message.set_content(text)
    return message.as_bytes()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_parse_without_an_exception(raw):
    mail = parse(raw)

    assert "\x00" not in mail.text
    assert mail.message_id


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(HEADERS, st.binary(max_size=80)), max_size=8), st.binary(max_size=500))
def test_broken_headers_and_bodies_parse_without_an_exception(headers, body):
    raw = b"".join(name + value + b"\r\n" for name, value in headers) + b"\r\n" + body

    parse(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="<&", blacklist_categories=("Cs",)), max_size=500))
def test_html_made_text_keeps_the_words_and_drops_scripts(text):
    html = f"<p>{text}</p><script>alert('x')</script><style>p {{color: red}}</style>"

    assert html_to_text(html) == " ".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_a_reply_is_never_longer_than_what_was_written(text):
    assert len(reply_text(text)) <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300))
def test_a_plain_reply_without_quotes_is_kept(text):
    line = " ".join(text.split())
    if not line or line.startswith((">", "On ", "Am ", "Le ", "El ", "Op ", "From:", "--", "-", "_")):
        return

    assert parse(a_reply(line)).text == line
