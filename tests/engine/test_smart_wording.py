"""Wording rules behind the S of SMART: vague verbs, measurable objects, size, repetition."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.engine.smart.wording import (
    content_size,
    is_vague,
    same_wording,
    vague_terms,
    without_vague_terms,
)


@pytest.mark.parametrize(
    "text",
    [
        "提升客户满意度",
        "加强与客户的沟通，积极做好服务",
        "提升工作效率",  # 效率 is not a measured rate
        "建立一个良好的客户关系并持续优化",  # 一个 is "a", not a count
        "Improve customer satisfaction",
        "Strengthen relationships and do well",
        "Optimise the solution process as much as possible",
    ],
)
def test_aspiration_without_a_measurable_object_is_vague(text: str) -> None:
    # given an aspiration with nothing to count or reach
    # when read / then it is vague
    assert is_vague(text)


@pytest.mark.parametrize(
    "text",
    [
        "提升NPS调研得分",  # NPS right next to Han characters is still found
        "提高回访完成率",
        "项目支持满意度 ≥ 90%（NPS 调研）本季度",
        "每月至少两次客户拜访",
        "减少投诉至 3 次以内",
        "Improve the revisit completion rate",
        "Increase the mean survey score to 90",
        "Boost cases shared to at least two",
    ],
)
def test_aspiration_with_a_measurable_object_is_not_vague(text: str) -> None:
    # given an aspiration verb aimed at something counted or a line to reach
    # when read / then it is not vague
    assert not is_vague(text)


def test_plain_description_without_verbs_is_not_vague() -> None:
    # given a description with no aspiration verb at all
    # when read / then there is nothing vague to flag, even without numbers
    assert not is_vague("客户满意度调查的平均分")
    assert vague_terms("Customer satisfaction survey") == []


def test_vague_terms_are_listed_in_order_once_each() -> None:
    # given verbs repeated and mixed across languages
    text = "加强沟通，improve service，加强协作，提升质量"
    # when listed / then each appears once, in order of first appearance
    assert vague_terms(text) == ["加强", "improve", "提升"]


def test_english_words_need_whole_word_matches() -> None:
    # given words that contain a vague verb inside another word
    # when read / then no verb is found inside them
    assert vague_terms("an abetter of unpromoted staff, a betterment") == []


def test_content_size_counts_han_characters_latin_words_and_numbers() -> None:
    # given a mixed Chinese text and an English text
    # when sized / then zh-Hans counts Han characters plus Latin words and numbers
    assert content_size("NPS 调研平均分 ≥ 90", "zh-Hans") == 5 + 1 + 1
    assert content_size("Mean of the survey scores, 0–100", "en") == 7


def test_same_wording_ignores_case_spaces_and_punctuation() -> None:
    # given the same words with different case, spacing and punctuation
    # when compared / then they are the same wording, and different words are not
    assert same_wording("Customer satisfaction", " customer-satisfaction. ")
    assert same_wording("客户满意度", "客户满意度。")
    assert not same_wording("客户满意度", "客户满意度调查")


def test_rewrite_drops_the_vague_verbs() -> None:
    # given vague names
    # when the verbs are taken out / then the measured object remains
    assert without_vague_terms("提升客户满意度") == "客户满意度"
    assert without_vague_terms("Improve customer satisfaction") == "customer satisfaction"


@given(st.text())
def test_wording_rules_accept_any_text(text: str) -> None:
    # given any text at all
    # when every rule reads it
    vague = is_vague(text)
    # then each gives an answer, and vague text always names its verbs
    assert content_size(text, "zh-Hans") >= 0
    assert content_size(text, "en") >= 0
    assert same_wording(text, text)
    assert not vague or vague_terms(text)
