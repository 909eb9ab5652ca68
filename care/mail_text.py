"""The customer's own words in an e-mail reply: HTML made plain text, quoted history and signature cut.

Pure Python (no Django), so the rules are easy to test alone. What is cut: everything from an
attribution line ("On Mon, 7 Dec 2026, Atelier <...> wrote:", also when the mail program wrapped it
onto two lines) or an "-----Original Message-----" / "From: ..." block on; every line quoted with
">"; and a signature after the "-- " line. Answers written between quoted lines are kept.
"""

import re
from html.parser import HTMLParser

# "On … wrote:" as mail programs write it in English, and in the languages customers' programs often use.
ATTRIBUTION = re.compile(
    r"^\s*(On\b.*\bwrote|Am\b.*\bschrieb.*|Le\b.*\ba écrit\s*|El\b.*\bescribió|Op\b.*\bschreef.*)\s*:\s*$",
    re.IGNORECASE,
)
ATTRIBUTION_START = ("On ", "Am ", "Le ", "El ", "Op ")
ATTRIBUTION_MAX = 300
ORIGINAL = re.compile(r"^\s*(-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$", re.IGNORECASE)
SIGNATURE = re.compile(r"^--\s?$")
# Tags that end a line of text (their content is kept), and paragraphs, which leave a blank line.
LINES = {"div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}
PARAGRAPHS = {"p"}
# Tags whose content is not text the customer wrote.
HIDDEN = {"script", "style", "head", "title", "template", "noscript"}


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0
        self.quoted = 0

    def _end_line(self, blank=False):
        """At least one line break here (two for a paragraph), not one per nested <div>."""
        wanted = 2 if blank else 1
        tail = "".join(self.parts[-4:]).rstrip(" ")
        have = len(tail) - len(tail.rstrip("\n"))
        self.parts.append("\n" * max(0, wanted - have))

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1  # the quoted history, as mail programs write it in HTML
        if tag == "br":
            self.parts.append("\n")
        elif tag in LINES or tag in PARAGRAPHS:
            self._end_line(blank=tag in PARAGRAPHS)

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)
        if tag in LINES or tag in PARAGRAPHS:
            self._end_line(blank=tag in PARAGRAPHS)

    def handle_data(self, data):
        if not self.hidden and not self.quoted:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html):
    """The text a reader sees in `html`: no tags, no scripts or styles, no quoted <blockquote>s."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _is_attribution(lines, index):
    line = lines[index]
    if len(line) > ATTRIBUTION_MAX:  # an attribution is short; a long line is text (and no work for the regex)
        return False
    if ATTRIBUTION.match(line):
        return True
    # Wrapped: "On Mon, 7 Dec 2026 at 10:02, Atelier customer care <" / "care+...> wrote:"
    following = lines[index + 1][:ATTRIBUTION_MAX] if index + 1 < len(lines) else ""
    return line.lstrip().startswith(ATTRIBUTION_START) and ATTRIBUTION.match(f"{line} {following}") is not None


def _is_forwarded_header(lines, index):
    return ORIGINAL.match(lines[index]) is not None or (
        lines[index].startswith("From:")
        and any(line.startswith(("Sent:", "Date:")) for line in lines[index : index + 4])
    )


def reply_text(text):
    """`text` without the quoted history and the signature; "" if nothing else was written."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = []
    for index, line in enumerate(lines):
        if SIGNATURE.match(line) or _is_attribution(lines, index) or _is_forwarded_header(lines, index):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
