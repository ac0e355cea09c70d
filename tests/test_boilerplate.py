"""Boilerplate masking: lines blanked in place (offsets unchanged), ordinary sentences left alone."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimwatch.ingest.boilerplate import boilerplate_ranges, is_boilerplate_line, load_patterns, mask_boilerplate

BOILERPLATE = {
    "cross-link": [
        "Also read | Why the harbour silted up",
        "ALSO READ: Council approves budget",
        "Also Read",
        "READ MORE: Minister denies report",
        "Read more: The flood in pictures",
        "**READ MORE:** Minister denies report",
        "Related:",
        "RELATED: Dam inspection ordered",
        "Related stories",
        "See also: Timeline of the dispute",
    ],
    "newsletter": [
        "Sign up for our free Morning Briefing newsletter",
        "Sign up here to get the latest alerts",
        "Subscribe to our newsletter",
        "Subscribe now for unlimited access.",
    ],
    "photo credit": [
        "Photo: Jane Roe / Reuters",
        "PHOTO: AFP",
        "(Photo by Jane Roe/Getty Images)",
        "Image: Sam Poe / Reuters",
        "Credit: Associated Press",
        "Photograph: Handout",
        "File photo",
        "FILE PHOTO: A ferry leaves the harbour at dawn.",
        "(File photo)",
        "Reuters",
        "(AP)",
        "— Reuters",
        "Jane Roe/Reuters",
        "REUTERS/Jane Roe/File",
        "Sam Poe/AFP via Getty Images",
    ],
    "byline": [
        "By John Smith",
        "By JANE ROE",
        "By John Smith and Jane Roe, Reuters",
        "By Ana de la Cruz | Staff Writer",
        "By Sam Poe in Lisbon",
        "By The Associated Press",
        "Reporting by John Smith; Editing by Jane Roe",
        "(Reporting by John Smith in Lisbon; Additional reporting by Sam Poe; Editing by Jane Roe)",
        "Writing by Sam Poe",
    ],
    "page furniture": [
        "Click here to read the full report",
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Share this article",
        "Share on Facebook",
        "Follow us on Twitter and Instagram",
        "© 2024 Example News Ltd. All rights reserved.",
        "Copyright 2023 Example Wire",
    ],
}

ORDINARY = [
    "LISBON (Reuters) - The harbour master said on Monday that the port would reopen by Friday.",
    "The minister told reporters she would read more of the inspectors' reports before deciding.",
    "Residents can read more about the plan on the council's website, a spokesman said.",
    "Read more carefully, the report shows the dam was never inspected, the engineer said.",
    "By Friday the talks had failed, officials said.",
    "By contrast, the opposition said the figures were wrong.",
    "Also, read the fine print, the consumer group warned.",
    "The photo, taken by a resident, shows water over the road.",
    "Related costs rose by 4 percent, the company said.",
    "He urged voters to sign up for the draft lottery before the deadline.",
    "AP/NORC poll finds support for the plan falling among young voters.",
    "“We will subscribe to whatever the court decides,” the mayor said.",
    "Advertisement spending fell sharply last year, the agency said.",
    "The company said it would follow us on the matter, according to the letter.",
]


def _cases():
    return [(family, line) for family, lines in BOILERPLATE.items() for line in lines]


@pytest.mark.parametrize("family, line", _cases())
def test_boilerplate_line_is_masked(family: str, line: str):
    assert is_boilerplate_line(line), f"{family}: {line!r} not recognised"
    text = f"The mayor said the bridge was safe.\n{line}\nEngineers disagreed."
    masked = mask_boilerplate(text)
    assert len(masked) == len(text)
    start = text.index(line)
    assert masked[start : start + len(line)] == " " * len(line)
    assert masked[:start] == text[:start] and masked[start + len(line) :] == text[start + len(line) :]


@pytest.mark.parametrize("line", ORDINARY)
def test_ordinary_sentence_is_untouched(line: str):
    assert not is_boilerplate_line(line)
    text = f"{line}\nSecond paragraph of the story.\n"
    assert mask_boilerplate(text) == text
    assert boilerplate_ranges(text) == []


def test_every_family_and_offsets_in_a_whole_article():
    lines = [
        "By Jane Roe, Reuters",
        "",
        "LISBON (Reuters) - The harbour master said on Monday that the port would reopen.",
        "READ MORE: Ferry strike ends",
        "Officials said the dredging would cost €4 million.",
        "(Photo by Sam Poe/Getty Images)",
        "Sign up for our daily newsletter",
        "   Advertisement   ",
        "“It is safe,” the engineer said.",
        "(Reporting by Jane Roe; Editing by Sam Poe)",
    ]
    text = "\r\n".join(lines[:3]) + "\n" + "\n".join(lines[3:])
    masked = mask_boilerplate(text)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    # Every character outside a masked range is identical; every one inside is a space.
    ranges = boilerplate_ranges(text)
    inside = {i for start, end in ranges for i in range(start, end)}
    for i, (a, b) in enumerate(zip(text, masked)):
        assert b == (" " if i in inside else a)
    kept = [line.strip() for line in masked.splitlines() if line.strip()]
    assert kept == [
        "LISBON (Reuters) - The harbour master said on Monday that the port would reopen.",
        "Officials said the dredging would cost €4 million.",
        "“It is safe,” the engineer said.",
    ]
    assert [text[s:e].strip() for s, e in ranges] == [
        "By Jane Roe, Reuters",
        "READ MORE: Ferry strike ends",
        "(Photo by Sam Poe/Getty Images)",
        "Sign up for our daily newsletter",
        "Advertisement",
        "(Reporting by Jane Roe; Editing by Sam Poe)",
    ]


def test_text_without_boilerplate_is_returned_as_is():
    text = "The council said the harbour would reopen.\n\nShips were waiting offshore."
    assert mask_boilerplate(text) is text
    assert mask_boilerplate("") == ""


def test_patterns_load_once_and_all_compile():
    patterns = load_patterns()
    assert len(patterns) >= 20
    assert load_patterns() is patterns


@given(st.lists(st.sampled_from([line for _, line in _cases()] + ORDINARY + ["", "  ", "x"]), max_size=12))
def test_masking_preserves_length_and_newlines(lines: list[str]):
    text = "\n".join(lines)
    masked = mask_boilerplate(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    assert all(m == t or m == " " for m, t in zip(masked, text))
