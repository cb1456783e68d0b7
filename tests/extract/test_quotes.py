"""strip_quoted and split_signature: only the mission's own words reach the extractor."""

from __future__ import annotations

import pytest

from bot.extract import split_signature, strip_quoted

REPLY = "The delegation will be composed as follows:\n1. Mr. John SMITH, First Secretary"

QUOTE_HEADERS = {
    "gt": "> The Secretariat presents its compliments\n> secretariat@unodc.test",
    "gmail_en": "On Thu, 12 Feb 2009 at 10:14, UNODC <secretariat@unodc.test> wrote:\n> text",
    "gmail_fr": "Le jeu. 12 févr. 2009 à 10:14, ONUDC <secretariat@unodc.test> a écrit :\n> x",
    "gmail_es": "El jue., 12 feb. 2009 a las 10:14, UNODC (<secretariat@unodc.test>) escribió:\nx",
    "gmail_ru": "чт, 12 февр. 2009 г. в 10:14, UNODC <secretariat@unodc.test> пишет:\nx",
    "gmail_zh": "在 2009年2月12日 10:14，UNODC <secretariat@unodc.test> 写道：\nx",
    "original_en": "-----Original Message-----\nFrom: secretariat@unodc.test\nx",
    "original_fr": "----- Message d'origine -----\nDe : secretariat@unodc.test\nx",
    "original_es": "-----Mensaje original-----\nDe: secretariat@unodc.test\nx",
    "outlook_en": "From: UNODC <secretariat@unodc.test>\nSent: Thursday\nTo: x\nSubject: y\n\nbody",
    "outlook_fr": "De : UNODC <secretariat@unodc.test>\nEnvoyé : jeudi\nÀ : x\nObjet : y\n\nz",
    "outlook_es": "De: UNODC <secretariat@unodc.test>\nEnviado el: jueves\nPara: x\n\nz",
    "outlook_ru": "От: UNODC <secretariat@unodc.test>\nОтправлено: четверг\nКому: x\n\nz",
    "outlook_ar": "من: UNODC <secretariat@unodc.test>\nتاريخ الإرسال: الخميس\nإلى: x\n\nz",
    "outlook_zh": "发件人: UNODC <secretariat@unodc.test>\n发送时间: 2009年2月12日\n收件人: x\n\nz",
    "underscores": "________________________________\nFrom: secretariat@unodc.test\nx",
    "pasted_en": (
        "The Secretariat of the United Nations Office on Drugs and Crime (UNODC) presents its "
        "compliments to the Permanent Missions and has the honour to invite them (fax +43 1 "
        "26060 5866, secretariat@unodc.test)"
    ),
    "pasted_fr": (
        "Le Secrétariat de l'Office des Nations Unies contre la drogue et le crime présente ses "
        "compliments aux Missions permanentes (secretariat@unodc.test)"
    ),
    "pasted_es": (
        "La Secretaría de la Oficina de las Naciones Unidas contra la Droga y el Delito saluda "
        "atentamente a las Misiones Permanentes (secretariat@unodc.test)"
    ),
    "pasted_ru": (
        "Секретариат Организации Объединенных Наций свидетельствует свое уважение постоянным "
        "представительствам (secretariat@unodc.test)"
    ),
    "pasted_ar": (
        "تهدي الأمانة العامة للأمم المتحدة تحياتها إلى البعثات الدائمة secretariat@unodc.test"
    ),
    "pasted_zh": "联合国秘书处向各常驻代表团致意 secretariat@unodc.test",
}


@pytest.mark.parametrize("kind", sorted(QUOTE_HEADERS))
def test_quoted_history_is_removed(kind: str) -> None:
    # After a header everything goes; "> " lines go wherever they are.
    trailer = "> " if kind == "gt" else ""
    text = f"{REPLY}\n\n{QUOTE_HEADERS[kind]}\n{trailer}more quoted secretariat@unodc.test\n"
    kept = strip_quoted(text)
    assert kept == REPLY
    assert "unodc.test" not in kept


def test_inline_quote_lines_are_dropped_but_text_after_them_kept() -> None:
    text = "Hello,\n> quoted line\n> another\nOur delegation: Mr. John SMITH"
    assert strip_quoted(text) == "Hello,\nOur delegation: Mr. John SMITH"


def test_the_missions_own_compliments_are_not_mistaken_for_the_invitation() -> None:
    text = (
        "The Permanent Mission of Chile presents its compliments to the Secretariat of the "
        "United Nations Office on Drugs and Crime and has the honour to inform that"
    )
    assert strip_quoted(text) == text


def test_forward_with_nothing_above_keeps_the_forwarded_note() -> None:
    text = (
        "---------- Forwarded message ---------\nFrom: Registry <registry@mfa.example>\n"
        "Date: Mon, 2 Mar 2009\nSubject: Note\nTo: desk@mission.example\n\n"
        "The delegation will be headed by H.E. Mr. John SMITH."
    )
    assert strip_quoted(text) == "The delegation will be headed by H.E. Mr. John SMITH."


@pytest.mark.parametrize(
    "signoff",
    ["Best regards,", "Kind regards", "Cordialement,", "Saludos cordiales,", "Atentamente,",
     "С уважением,", "مع التحية،", "此致", "--", "谢谢！", "此致。"],
)
def test_signature_starts_at_the_sign_off(signoff: str) -> None:
    body, signature = split_signature(f"{REPLY}\n\n{signoff}\nAnna BERG\nThird Secretary")
    assert body == REPLY
    assert signature is not None and "Anna BERG" in signature


def test_note_verbale_closing_formula_ends_the_body() -> None:
    text = (
        f"{REPLY}\n\nThe Permanent Mission avails itself of this opportunity to renew the "
        "assurances of its highest consideration.\n\nVienna, 2 March 2009"
    )
    body, signature = split_signature(text)
    assert body.endswith("highest consideration.")
    assert signature == "Vienna, 2 March 2009"


def test_an_annex_list_after_the_closing_formula_stays_in_the_body() -> None:
    text = (
        "The Mission has the honour to transmit the composition of its delegation.\n"
        "The Mission avails itself of this opportunity to renew its highest consideration.\n\n"
        "Annex: composition of the delegation\n1. Mr. John SMITH, First Secretary"
    )
    body, signature = split_signature(text)
    assert "John SMITH" in body
    assert signature is None


def test_a_signature_of_the_mission_and_a_name_in_one_row_is_no_annexed_table() -> None:
    # "新加坡常驻代表团 | 何佩珊": one row of cells (the mission, the one who signs).
    body, signature = split_signature(
        "请将黄志明先生从代表团名单中删去。\n谢谢！\n新加坡常驻代表团 | 何佩珊")
    assert body == "请将黄志明先生从代表团名单中删去。"
    assert signature == "谢谢！\n新加坡常驻代表团 | 何佩珊"
    # Two rows of cells after a sign-off are a table annexed: they stay in the body.
    table = "Regards,\nName | Title\nJohn SMITH | First Secretary, delegation"
    assert split_signature(table) == (table, None)


def test_no_signature() -> None:
    assert split_signature(REPLY) == (REPLY, None)


def test_a_cover_note_above_a_forwarded_answer_keeps_the_answer() -> None:
    text = (
        "Dear colleagues,\n\nPlease see below the answer of our capital.\n\nBest regards,\nLina\n\n"
        "From: Ministry of Justice <intl@moj.example>\nSent: Monday, 2 March 2026 09:00\n"
        "To: Mission\nSubject: RE: invitation\n\nThe Ministry will not take part in the meeting.\n"
    )
    kept = strip_quoted(text)
    assert "will not take part" in kept
    assert "Best regards" not in kept  # the cover's sign-off would make the answer a signature


def test_our_invitation_below_a_cover_that_mentions_below_is_still_cut() -> None:
    text = (
        "Thanks, please find our reply below: we will revert shortly.\n\n"
        "From: Secretariat <secretariat@unodc.test>\nSent: Monday, 2 March 2026 09:00\n"
        "Subject: Invitation\n\nMember States are invited to attend.\n"
    )
    assert "invited" not in strip_quoted(text)
