"""Chinese follow-ups worded as other writers word them (bot/inbound/followup/chinese.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.extract import extract_response, strip_quoted
from bot.inbound.followup.chinese import signature
from bot.inbound.followup.operation import decide_operation, reads_names
from bot.inbound.stages.record import operation_people, people_of
from bot.results.delegation import State, apply


def _person(name: str, title: str, role: str = "member") -> dict[str, Any]:
    return {
        "honorific": None,
        "name": name,
        "title": title,
        "role": role,
        "email": None,
        "phone": None,
        "confidence": 0.9,
        "source": "body",
    }


LISTED = State(
    "accept",
    (_person("郑国华", "大使", "head"), _person("韩雪", "参赞"), _person("邓超", "一等秘书")),
)


def replay(before: State, text: str) -> State:
    extraction = extract_response(text)
    if reads_names(before, len(extraction.delegates), strip_quoted(text)):
        extraction = extract_response(text, followup=True)
    decided = decide_operation(
        before,
        extraction.decision,
        people_of(extraction),
        extraction.withdrawn,
        strip_quoted(text),
        extraction.amendment,
    )
    return apply(
        before,
        decided.operation,
        extraction.decision,
        operation_people(extraction, decided),
        decided.removed,
    )


@pytest.mark.parametrize(
    ("text", "sender"),
    [
        ("邓超一等秘书不再参加。\n谢谢。\n办公室 张颖\n", "办公室 张颖"),
        ("邓超一等秘书不再参加，其余人员不变。谢谢！\n——会议科 吴敏", "——会议科 吴敏"),
        ("增派二秘曹静参会。\n顺颂商祺\n联络员 韦华\n2026年5月13日", "联络员 韦华"),
        ("增派二秘曹静参会。\n中国常驻代表团", ""),
        ("谢谢确认。请将邓超的职务更正为参赞。", ""),
    ],
)
def test_the_signature_of_a_chinese_follow_up_is_found(text: str, sender: str) -> None:
    assert signature(text) == sender


@pytest.mark.parametrize(
    "text",
    [
        "邓超一等秘书因临时公务不再参加本次会议，其余人员不变。谢谢！\n——会议科 吴敏",
        "秘书处：\n邓超一等秘书不再参加本次会议，请从名单中删除。\n"
        "此致\n敬礼！\n礼宾处 钱峰\n2026年5月12日",
    ],
)
def test_the_sender_of_a_chinese_follow_up_is_no_delegate(text: str) -> None:
    assert [p["name"] for p in replay(LISTED, text).people] == ["郑国华", "韩雪"]


@pytest.mark.parametrize(
    ("text", "after"),
    [
        # 分别: two leave, two come, each name ending before the adverb.
        ("由三秘贾明、随员汤丽分别接替韩雪参赞和邓超一等秘书。", ["郑国华", "贾明", "汤丽"]),
        (
            "韩雪参赞、邓超一等秘书因故不能出席，分别由二秘曹静、随员彭飞替换。",
            ["郑国华", "曹静", "彭飞"],
        ),
        # 随同/陪同/偕同: the newcomer comes beside a listed delegate, who stays.
        (
            "法律顾问亚历山大·彼得罗夫先生将随同韩雪参赞一同出席。",
            ["郑国华", "韩雪", "邓超", "亚历山大·彼得罗夫"],
        ),
        ("二秘曹静将陪同郑国华大使出席会议。", ["郑国华", "韩雪", "邓超", "曹静"]),
        ("郑国华大使将偕同随员彭飞一同与会。", ["郑国华", "韩雪", "邓超", "彭飞"]),
    ],
)
def test_chinese_pairings_and_companions(text: str, after: list[str]) -> None:
    assert sorted(p["name"] for p in replay(LISTED, text).people) == sorted(after)


@pytest.mark.parametrize(
    ("text", "who", "email", "phone"),
    [
        (
            "现补报联系方式：\n韩参赞：han.xue@mission.example，电话 +1 212 555 0110",
            "韩雪",
            "han.xue@mission.example",
            "+12125550110",
        ),
        (
            "补充联系方式如下：\n郑大使：电话 +1 212 555 0101\n"
            "邓一秘：邮箱 deng.chao@mission.example",
            "邓超",
            "deng.chao@mission.example",
            None,
        ),
        ("联系人：韩女士，电话 +1 212 555 0177", "韩雪", None, "+12125550177"),
    ],
)
def test_chinese_contacts_by_surname_and_rank(
    text: str, who: str, email: str | None, phone: str | None
) -> None:
    after = replay(LISTED, text)
    assert [p["name"] for p in after.people] == ["郑国华", "韩雪", "邓超"]
    person = next(p for p in after.people if p["name"] == who)
    assert (person["email"], person["phone"]) == (email, phone)


def test_a_surname_and_rank_names_only_a_listed_rank() -> None:
    from bot.inbound.followup.chinese import first_mention

    assert first_mention("请联系邓一秘。", "邓超", "一等秘书") == 3
    assert first_mention("请联系邓参赞。", "邓超", "一等秘书") is None
    assert first_mention("夏侯参赞：电话", "夏侯杰", "参赞") == 0


def test_a_companion_is_a_member_with_its_title_alone() -> None:
    text = "另，本团法律顾问亚历山大·彼得罗夫先生将随同韩雪参赞一同出席。"
    after = {p["name"]: p for p in replay(LISTED, text).people}
    newcomer = after["亚历山大·彼得罗夫"]
    assert (newcomer["title"], newcomer["role"]) == ("法律顾问", "member")
    assert [p["name"] for p in after.values() if p["role"] == "head"] == ["郑国华"]
