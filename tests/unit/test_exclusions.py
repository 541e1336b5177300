"""Matching the names a complainant typed to staff accounts, without showing staff names."""
from __future__ import annotations

from complaints.exclusions import Staff, entries, match, normalise

STAFF = [
    Staff(1, "mpetrovic", "Marko Petrović"),
    Staff(2, "jpetrovic", "Jelena Petrović"),
    Staff(3, "akovac", "Ana Kovač"),
    Staff(4, "djordje", "Đorđe Nikolić"),
]


def test_entries_split_lines_commas_and_semicolons_and_drop_empty_ones():
    assert entries("Marko Petrović\n\n Ana Kovač; Đorđe ,  ") == ["Marko Petrović", "Ana Kovač", "Đorđe"]


def test_entries_are_bounded():
    typed = "\n".join(f"name {i}" * 100 for i in range(500))
    found = entries(typed)
    assert len(found) <= 20 and all(len(e) <= 120 for e in found)


def test_normalise_drops_case_marks_and_script():
    assert normalise("  MARKO   Petrović ") == normalise("marko petrovic") == normalise("Марко Петровић")
    assert normalise("Đorđe") == normalise("Ђорђе") == normalise("djordje")


def test_a_full_name_or_user_name_matches_one_account():
    assert match("Marko Petrović", STAFF) == [1]
    assert match("марко петровић", STAFF) == [1]
    assert match("akovac", STAFF) == [3]
    assert match("Kovač", STAFF) == [3]
    assert match("Đorđe", STAFF) == [4]


def test_ambiguous_or_unknown_names_match_several_or_none():
    assert sorted(match("Petrović", STAFF)) == [1, 2]
    assert match("Major Petrović", STAFF) == []
    assert match("the sergeant in my unit", STAFF) == []
    assert match("a", STAFF) == []  # too short to mean anyone
