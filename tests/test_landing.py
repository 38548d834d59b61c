"""Roster and campaigns: what is fatal, what is quarantined, who is scored."""

from __future__ import annotations

import datetime as dt

import pytest

from virage.errors import ConfigError
from virage.tasks.landing import load_landing, read_campaigns, read_roster

ROSTER_HEADER = "person_id,display_name,role,consent,department,x,linkedin,instagram,tiktok"


def roster_file(tmp_path, *rows: str, header: str = ROSTER_HEADER):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_only_consenting_valid_people_are_scored_and_extra_columns_are_kept(tmp_path):
    roster = read_roster(
        roster_file(
            tmp_path,
            "p1,Ana,Ambassador,true,Sales,@Ana_X,,,,north",
            "p2,Ben,influencer,FALSE,,,ben,,,south",
            "p3,Cy,boss,true,,,,cy,,east",
            "p4,Di,influencer,maybe,,,,,di,west",
            "p5,,influencer,true,,,,,@ eve ,west",
            header=ROSTER_HEADER + ",region",
        )
    )
    assert roster.people["person_id"].tolist() == ["p1", "p5"]
    assert roster.people["role"].tolist() == ["ambassador", "influencer"]
    assert roster.people.loc[1, "display_name"] == "p5"  # empty name falls back to the id
    assert roster.extra_columns == ["region"]
    assert roster.people["region"].tolist() == ["north", "west"]
    rules = dict(zip(roster.rejected["row_number"], roster.rejected["rule"], strict=True))
    assert rules == {3: "unknown_role", 4: "bad_boolean"}
    assert roster.rejected["excerpt"].isna().all()  # nothing about people is copied
    # Stored data stays for everyone named, except those who said no (p2).
    assert roster.kept_ids.tolist() == ["p1", "p3", "p4", "p5"]
    status = roster.handles.set_index(["platform", "handle"])["status"].to_dict()
    assert status == {
        ("x", "ana_x"): "scored",
        ("linkedin", "ben"): "no_consent",
        ("instagram", "cy"): "invalid_row",
        ("tiktok", "di"): "invalid_row",
        ("tiktok", "eve"): "scored",
    }


def test_a_person_on_two_rows_and_a_shared_handle_are_used_by_nobody(tmp_path):
    roster = read_roster(
        roster_file(
            tmp_path,
            "p1,Ana,ambassador,maybe,,secret,,,",
            "p1,Ana,ambassador,true,,pub,,,",
            "p2,Ben,influencer,true,,,ben,,",
            "p3,Cy,influencer,false,,,ben,,",
        )
    )
    assert roster.people["person_id"].tolist() == ["p2"]
    rules = sorted(zip(roster.rejected["row_number"], roster.rejected["rule"], strict=True))
    assert rules == [
        (1, "bad_boolean"),
        (2, "duplicate_person"),
        (3, "duplicate_handle"),
        (4, "duplicate_handle"),
    ]
    status = roster.handles.set_index(["platform", "handle"])["status"].to_dict()
    assert status == {
        ("x", "secret"): "invalid_row",
        ("x", "pub"): "invalid_row",
        ("linkedin", "ben"): "shared_handle",
    }
    assert roster.kept_ids.tolist() == ["p1", "p2"]  # p3 said no


def test_an_explicit_no_withdraws_even_on_an_otherwise_invalid_row(tmp_path):
    roster = read_roster(
        roster_file(tmp_path, "p1,Ana,Ambassadeur,false,,a,,,", "p2,Ben,influencer,true,,b,,,")
    )
    assert roster.rejected["rule"].tolist() == ["unknown_role"]
    assert roster.kept_ids.tolist() == ["p2"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "lists nobody"),
        (
            ["p1,Ana,boss,true,,,,,", "p2,Ben,chief,true,,,,,"],
            "no usable row (row 1: role is 'boss'",
        ),
        # An unquoted comma in a value: refused, never read shifted by one column.
        (
            ["p1,Ana,ambassador,true,Marketing, Paris,a,,,", "p2,Ben,influencer,true,,b,,,"],
            "more fields than the header; quote values that contain commas",
        ),
    ],
)
def test_a_roster_that_would_score_nobody_is_fatal(tmp_path, rows, message):
    with pytest.raises(ConfigError) as caught:
        read_roster(roster_file(tmp_path, *rows))
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "roster.csv not found"),
        ("person_id,display_name\np1,Ana\n", "lacks column(s) role, consent"),
        (b"\xff\xfeperson_id", "not UTF-8"),
    ],
)
def test_unusable_roster_is_fatal(tmp_path, content, message):
    path = tmp_path / "roster.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_roster(path)


CAMPAIGN = """
campaigns:
  - id: velo-2026
    name: Vélo
    keywords: [vélo électrique, e-bike]
    hashtags: "#Velo"
    brand_handles: ["@acme"]
    brand_domains: [acme.example]
    start: 2026-09-01
    end: 2026-12-31
    weights: {reach: 0.5, relevance: 0.9}
"""


def test_campaigns_parse(tmp_path):
    path = tmp_path / "campaigns.yaml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    [campaign] = read_campaigns(path)
    assert campaign.id == "velo-2026"
    assert campaign.hashtags == ("#Velo",)
    assert campaign.start == dt.date(2026, 9, 1)
    assert campaign.weights == {"reach": 0.5, "relevance": 0.9}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("campaigns: []", "at least one campaign"),
        ("nothing: here", "top-level 'campaigns:'"),
        ("campaigns: [{id: a}]", "name: Field required"),
        ("campaigns: [{id: 'a b;--', name: x}]", "id: String should match pattern"),
        ("campaigns: [{id: a, name: x, keyword: [v]}]", "keyword: Extra inputs"),
        ("campaigns: [{id: a, name: x, weights: {fame: 1}}]", "unknown weight(s) fame"),
        (
            "campaigns: [{id: a, name: x, keywords: [v], start: 2026-10-01, end: 2026-09-01}]",
            "before start",
        ),
        (
            "campaigns: [{id: a, name: x, keywords: [v]}, {id: a, name: y, hashtags: [h]}]",
            "used twice: a",
        ),
        (
            "campaigns: [{id: a, name: x, keywords: [' '], hashtags: ['#']}]",
            "needs at least one keyword or hashtag",
        ),
        ("campaigns: [unclosed", "not valid YAML"),
    ],
)
def test_invalid_campaigns_are_fatal_with_one_clear_line(tmp_path, text, message):
    path = tmp_path / "campaigns.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_campaigns(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_landing_folder_is_fatal(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_landing(tmp_path / "nowhere")
