"""Text from a requirements or rule file made safe for each output format.

That text is untrusted: a pull request can put anything in a description or an
accepted finding's reason, and a shared policy repository anything in a rule message.
Every renderer passes such strings through the function of its format, here and
nowhere else:

- `terminal`: control characters (C0, DEL, C1), bidirectional overrides and other
  invisible format characters are shown escaped (`\\x1b`, `\\u202e`), never emitted.
- `markdown` and `markdown_code`: the same, and user text cannot make headings, lists,
  HTML, images, links, autolinks, mentions or references, or break a table cell.
- `github_data` and `github_property`: the percent escapes the Actions runner decodes.
- `sarif`: controls shown escaped, `[` and `]` escaped so a message embeds no link.
- `json_document` and `xml_document`: a whole serialised document made safe without
  changing what a parser reads back (escape sequences, character references).

Runners of GitHub Actions read every line of a job's log as a possible workflow
command: `::name ...::` at the start of a line after its leading blanks, and the older
`##[name]` anywhere in it. So in every line-based format a `:` before another `:`, and
a `#` before `#[`, are followed by a backslash (`:\\:`, `#\\#[`): no wrapping, folding or
newline in user text can then place a command at the start of a line.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, C1, the Arabic letter mark, zero-width space, the
# directional marks, line and paragraph separators, embeddings and overrides, word
# joiner and invisible operators, directional isolates, byte-order mark, interlinear
# annotations, lone surrogates (not encodable) and the two non-characters XML refuses.
_CONTROLS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff"
)
_COMMAND = r":(?=:)|#(?=#\[)"
_UNSAFE = re.compile(f"[{_CONTROLS}]|{_COMMAND}")
_UNSAFE_LINE = re.compile(f"[{_CONTROLS}\t\n]|{_COMMAND}")
_CONTROL = re.compile(f"[{_CONTROLS}]")
# A zero-width space, as an entity so the markdown source stays ASCII: after `@`, `#`
# or the `:` of `://` it stops GitHub and GitLab from making a mention, a reference or
# an autolink, and is invisible once rendered.
_BREAK = "&#8203;"
_MARKDOWN = re.compile(
    f"(?P<control>[{_CONTROLS}])|(?P<space>[\t\n])|(?P<command>:(?=:))"
    r"|(?P<autolink>:(?=//)|(?<=www)\.)|(?P<entity>[&<>@#])"
    r"|(?P<punctuation>[\\`*\[\]!|~]|(?<!\w)_|_(?!\w))"
)
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "@" + _BREAK, "#": "#" + _BREAK}
# What would start a block (list item, thematic break, setext line, ordered item)
# when the text opens a line.
_BLOCK_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")


def _shown(char: str) -> str:
    """A control character as Python writes it in a string literal."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _line_safe(match: re.Match[str]) -> str:
    found = match.group()
    if found in ":#":
        return found + "\\"
    return {"\t": "\\t", "\n": "\\n"}.get(found) or _shown(found)


def terminal(text: str, *, one_line: bool = False) -> str:
    """`text` as a terminal or CI log may show it; with `one_line`, tabs and newlines
    are escaped too (a report of one line per finding, an error message)."""
    return (_UNSAFE_LINE if one_line else _UNSAFE).sub(_line_safe, text)


def _markdown_safe(match: re.Match[str]) -> str:
    found, kind = match.group(), match.lastgroup
    if kind == "control":
        return _shown(found)
    if kind == "space":
        return " "
    if kind == "command":
        return ":\\"
    if kind == "autolink":
        return found + _BREAK if found == ":" else _BREAK + found
    if kind == "entity":
        return _ENTITIES[found]
    return "\\" + found  # would open emphasis, a code span, a link, an image, a cell


def markdown(text: str) -> str:
    """`text` as one run of plain markdown text: a table cell, a list item, a heading or
    a paragraph. Newlines become spaces; it renders as written, with nothing live."""
    text = text.lstrip()
    escaped = _MARKDOWN.sub(_markdown_safe, text)
    start = _BLOCK_START.match(text)
    if start is None:
        return escaped
    if start.group() in "-+=":
        return "\\" + escaped
    digits = start.group()
    return digits + "\\" + escaped[len(digits) :]


def markdown_code(text: str, *, in_table: bool = False) -> str:
    """`text` as an inline code span: its fence is longer than any run of backticks in
    it; `|` is escaped inside a table, where GFM splits cells before reading spans."""
    if not text:
        return ""
    inner = _UNSAFE_LINE.sub(lambda m: " " if m.group() in "\t\n" else _line_safe(m), text)
    if in_table:
        inner = inner.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    if inner[:1] in ("`", " ") or inner[-1:] in ("`", " "):
        inner = f" {inner} "  # CommonMark strips one space on each side
    return f"{fence}{inner}{fence}"


def _percent(text: str, *escaped: str) -> str:
    for char in ("%", "\r", "\n", *escaped):
        text = text.replace(char, f"%{ord(char):02X}")
    return _UNSAFE.sub(_line_safe, text)


def github_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF as the runner's percent escapes,
    other controls shown escaped."""
    return _percent(text)


def github_property(text: str) -> str:
    """A workflow command's property value (file, title): `:` and `,` escaped too."""
    return _percent(text, ":", ",")


def sarif(text: str) -> str:
    """A SARIF message: controls shown escaped; `[` and `]` escaped, as SARIF 2.1.0
    (3.11.6) asks, so the text embeds no link."""
    text = _CONTROL.sub(lambda m: _shown(m.group()), text)
    return text.replace("[", "\\[").replace("]", "\\]")


_JSON_UNSAFE = re.compile(f"[{_CONTROLS}]|#(?=#\\[)")


def json_document(text: str) -> str:
    """A serialised JSON document, read back the same: the characters above that the
    encoder leaves raw become `\\uXXXX` escapes, and so does the `#` before `#[`."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def xml_document(text: str) -> str:
    """A serialised XML document: `:` before `:` and `#` before `#[` as character
    references (read back the same); characters XML 1.0 cannot carry, even as
    references, and the invisible ones shown escaped."""

    def safe(match: re.Match[str]) -> str:
        found = match.group()
        return f"&#{ord(found)};" if found in ":#" else _shown(found)

    return _UNSAFE.sub(safe, text)
