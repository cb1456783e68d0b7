"""HTML-only mail as Outlook and Gmail write it: one line per paragraph, the writer's
own blank lines, typed tabs kept (found by bench/endtoend.py: an Outlook HTML reply
put a blank line under every line and lost the columns of a tabbed list)."""

from __future__ import annotations

from email.message import EmailMessage

from bot.extract import extract_response
from bot.inbound.parse.message import parse_message
from bot.inbound.parse.mimetext import html_to_text

TAB = "<span style='mso-tab-count:1'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span>"


def outlook(lines: list[str]) -> str:
    paras = "".join(
        f'<p class="MsoNormal">{line.replace(chr(9), TAB) if line else "&nbsp;"}<o:p></o:p></p>'
        for line in lines)
    return f'<html><body lang="EN-US"><div class="WordSection1">{paras}</div></body></html>'


def test_outlook_paragraphs_are_lines_and_empty_ones_blank_lines() -> None:
    html = outlook(["Head of Delegation:", "H.E. Mr. Pieter van der BERG",
                    "Ambassador, Permanent Representative", "", "Alternate:",
                    "Ms. Annelies de JONG"])
    assert html_to_text(html) == ("Head of Delegation:\nH.E. Mr. Pieter van der BERG\n"
                                  "Ambassador, Permanent Representative\n\nAlternate:\n"
                                  "Ms. Annelies de JONG")


def test_gmail_divs_and_double_breaks() -> None:
    html = ('<div dir="ltr"><div>Dear colleagues,</div><div><br></div>'
            "<div>Head: Ms. Ana Lima</div><div>Member: Mr. Rui Costa</div></div>")
    assert html_to_text(html) == ("Dear colleagues,\n\nHead: Ms. Ana Lima\n"
                                  "Member: Mr. Rui Costa")
    assert html_to_text("Dear colleagues,<br><br>Head: Ms. Ana Lima<br>x") == (
        "Dear colleagues,\n\nHead: Ms. Ana Lima\nx")


def test_paragraphs_without_typed_blank_lines_stay_paragraphs() -> None:
    assert html_to_text("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."


def test_typed_tab_is_a_tab_source_layout_is_a_space() -> None:
    assert html_to_text("<div>a b&nbsp;&nbsp;&nbsp;c d&nbsp;e</div>") == "a b\tc d e"
    assert html_to_text('<div>a<span style="white-space:pre">\t</span>b</div>') == "a\tb"
    assert html_to_text("<div>\n\t\ta\n\t\tb</div>") == "a b"


def test_outlook_html_tabbed_list_reads_like_the_text() -> None:
    lines = ["The Permanent Mission of Kenya confirms its participation.", "",
             "Ms. Grace WANJIRU\tAmbassador\tHead of delegation",
             "Mr. Peter MWANGI\tCounsellor\tMember", "", "Best regards,"]
    msg = EmailMessage()
    msg["From"] = "pm@kenya.example"
    msg["Subject"] = "RE: Invitation"
    msg.set_content(outlook(lines), subtype="html")
    parsed = parse_message(msg.as_bytes())
    alone = extract_response("\n".join(lines), [])
    got = extract_response(parsed.text, [])
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        (d.name, d.title, d.role) for d in alone.delegates]
    assert len(got.delegates) == 2
