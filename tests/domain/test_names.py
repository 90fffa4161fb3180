"""Names refuse emoji, control characters and overlong text (issue 12 §3)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain.text import MAX_NAME_LENGTH, name_problem, normalize


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Hằng",
        "Lê Văn Đức",
        "Công ty TNHH Một thành viên Xây dựng số 1 (Thanh Hóa)",
        "H'Hen Niê",
        "Nguyễn Thị Thu-Trang",
        unicodedata.normalize("NFD", "Trần Thị Bích Ngọc"),  # Unikey "tổ hợp"
        "Ê" * MAX_NAME_LENGTH,
    ],
)
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Nguyễn Thị Hằng 😀", "invalid_name_chars"),
        ("Lê\u0000Văn", "invalid_name_chars"),
        ("Lê\u200bVăn", "invalid_name_chars"),  # zero-width space: invisible on screen
        ("Lê\u202eVăn", "invalid_name_chars"),  # right-to-left override
        ("Trần ♥ Bình", "invalid_name_chars"),
        ("\ue000Hoa", "invalid_name_chars"),  # private use
        ("A" * (MAX_NAME_LENGTH + 1), "name_too_long"),
        ("Nguyễn " * 80, "name_too_long"),
    ],
)
def test_bad_names_are_refused_with_a_code(name: str, code: str) -> None:
    assert name_problem(name) == code


@given(st.text(max_size=400))
def test_any_text_gets_none_or_a_known_code(text: str) -> None:
    problem = name_problem(text)
    assert problem in (None, "name_too_long", "invalid_name_chars")
    if problem is None:
        name = normalize(text)
        assert len(name) <= MAX_NAME_LENGTH
        assert all(unicodedata.category(ch)[0] in "LMNPZ" for ch in name)
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "So") for ch in name)


@given(
    st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Mn", "Zs")),
        min_size=1,
        max_size=MAX_NAME_LENGTH // 2,
    )
)
def test_letters_marks_and_spaces_are_accepted(text: str) -> None:
    assert name_problem(text) is None


@given(st.text(max_size=30), st.sampled_from(["😀", "\u0007", "\u200d", "\u2066", "€"]))
def test_one_bad_character_anywhere_is_refused(text: str, bad: str) -> None:
    name = text[: len(text) // 2] + bad + text[len(text) // 2 :]
    assert name_problem(name) == "invalid_name_chars" or len(normalize(name)) > MAX_NAME_LENGTH
