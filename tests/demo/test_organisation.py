"""Organisation building blocks: team numerals, region counts, names and e-mail addresses."""

import numpy as np
import pytest

from kpilib.demo.names import PersonName, draw_person_names, email_addresses
from kpilib.demo.organisation import chinese_numeral, region_count_for


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"), (1010, "一千零一十")],
)
def test_team_numbers_read_as_chinese_numerals(number: int, numeral: str) -> None:
    # given a team number
    # when it is written in Chinese
    # then it reads as people write it
    assert chinese_numeral(number) == numeral


def test_a_small_organisation_uses_the_four_main_regions() -> None:
    # given the default sixty engineers in eight teams
    # then they spread over 华东, 华北, 华南 and 西南
    assert region_count_for(8) == 4
    assert region_count_for(1) == 1


def test_a_large_organisation_opens_more_regions() -> None:
    # given five thousand engineers in 625 teams
    # then they spread over all seven regions
    assert region_count_for(625) == 7


def test_repeated_pinyin_gets_a_number_suffix() -> None:
    # given three people whose names share the pinyin zhang.wei
    names = [
        PersonName("张伟", "zhang.wei"),
        PersonName("章伟", "zhang.wei"),
        PersonName("张伟", "zhang.wei"),
    ]
    # when their addresses are made
    addresses = email_addresses(names, "cloudstart.example")
    # then the first is plain and the others are numbered
    assert addresses == [
        "zhang.wei@cloudstart.example",
        "zhang.wei2@cloudstart.example",
        "zhang.wei3@cloudstart.example",
    ]


def test_names_are_a_surname_and_one_or_two_given_characters() -> None:
    # given a thousand drawn names
    names = draw_person_names(np.random.default_rng(5), 1000)
    # then each has two to four characters and common surnames dominate
    assert all(2 <= len(person.name) <= 4 for person in names)
    wang_li_zhang = sum(person.name[0] in "王李张" for person in names)
    assert 150 < wang_li_zhang < 400
