"""Chinese personal names and pinyin e-mail addresses for demo employees.

A name is a surname (drawn by its real-world frequency among the most common surnames)
and one or two given-name characters. E-mail local parts are `surname.given` in pinyin;
the second person with the same pinyin gets a `2` suffix, the third a `3`, and so on.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

# (surname, pinyin, relative frequency in per mille of the population)
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 71), ("李", "li", 70), ("张", "zhang", 67), ("刘", "liu", 54),
    ("陈", "chen", 45), ("杨", "yang", 31), ("黄", "huang", 22), ("赵", "zhao", 20),
    ("吴", "wu", 20), ("周", "zhou", 19), ("徐", "xu", 13), ("孙", "sun", 12),
    ("马", "ma", 12), ("朱", "zhu", 11), ("胡", "hu", 11), ("郭", "guo", 10),
    ("何", "he", 9), ("高", "gao", 9), ("林", "lin", 9), ("罗", "luo", 8),
    ("郑", "zheng", 8), ("梁", "liang", 8), ("谢", "xie", 6), ("宋", "song", 6),
    ("唐", "tang", 6), ("许", "xu", 5), ("韩", "han", 5), ("冯", "feng", 5),
    ("邓", "deng", 5), ("曹", "cao", 5), ("彭", "peng", 4), ("曾", "zeng", 4),
    ("肖", "xiao", 4), ("田", "tian", 4), ("董", "dong", 4), ("袁", "yuan", 4),
    ("潘", "pan", 3), ("于", "yu", 3), ("蒋", "jiang", 3), ("蔡", "cai", 3),
    ("余", "yu", 3), ("杜", "du", 3), ("叶", "ye", 3), ("程", "cheng", 3),
    ("苏", "su", 3), ("魏", "wei", 3), ("吕", "lv", 3), ("丁", "ding", 3),
    ("欧阳", "ouyang", 0.5), ("司马", "sima", 0.2), ("上官", "shangguan", 0.2),
)

GIVEN_NAME_CHARACTERS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("英", "ying"), ("华", "hua"), ("玉", "yu"), ("建", "jian"),
    ("文", "wen"), ("斌", "bin"), ("宇", "yu"), ("浩", "hao"), ("凯", "kai"),
    ("鹏", "peng"), ("辉", "hui"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("晨", "chen"), ("欣", "xin"), ("博", "bo"), ("思", "si"), ("佳", "jia"),
    ("子", "zi"), ("一", "yi"), ("涵", "han"), ("睿", "rui"), ("嘉", "jia"),
    ("俊", "jun"), ("志", "zhi"), ("海", "hai"), ("晓", "xiao"), ("云", "yun"),
    ("峰", "feng"), ("亮", "liang"), ("颖", "ying"), ("倩", "qian"), ("慧", "hui"),
    ("梦", "meng"), ("瑶", "yao"), ("天", "tian"), ("昊", "hao"), ("轩", "xuan"),
)

# Share of given names with two characters (the rest have one).
TWO_CHARACTER_SHARE = 0.6


@dataclass(frozen=True)
class PersonName:
    """A person's name in characters and the e-mail local part built from its pinyin."""

    name: str
    pinyin: str


def draw_person_names(rng: np.random.Generator, count: int) -> list[PersonName]:
    """Draw `count` Chinese names; the same generator state always gives the same names."""
    frequencies = np.array([frequency for _, _, frequency in SURNAMES])
    surname_rows = rng.choice(len(SURNAMES), size=count, p=frequencies / frequencies.sum())
    two_characters = rng.random(count) < TWO_CHARACTER_SHARE
    given_rows = rng.integers(0, len(GIVEN_NAME_CHARACTERS), size=(count, 2))
    names = []
    for surname_row, is_two, given_pair in zip(
        surname_rows, two_characters, given_rows, strict=True
    ):
        surname, surname_pinyin, _ = SURNAMES[surname_row]
        given = [GIVEN_NAME_CHARACTERS[row] for row in given_pair[: 2 if is_two else 1]]
        names.append(
            PersonName(
                name=surname + "".join(character for character, _ in given),
                pinyin=f"{surname_pinyin}." + "".join(sound for _, sound in given),
            )
        )
    return names


def email_addresses(names: list[PersonName], domain: str) -> list[str]:
    """One unique address per name, in order: `zhang.wei`, then `zhang.wei2`, `zhang.wei3`."""
    seen: Counter[str] = Counter()
    addresses = []
    for person in names:
        seen[person.pinyin] += 1
        suffix = "" if seen[person.pinyin] == 1 else str(seen[person.pinyin])
        addresses.append(f"{person.pinyin}{suffix}@{domain}")
    return addresses
