"""The country programs offered at set-up and in the report's filters."""

from __future__ import annotations

from inl_desktop.services.countries import country_programs


def test_pakistan_is_offered_with_its_posts() -> None:
    programs = country_programs()

    pakistan = programs["PK"]
    assert pakistan.name == "Pakistan"
    posts = {post.code: post.name for post in pakistan.posts}
    assert posts["PK-ISB"] == "Islamabad" and posts["PK-LHE"] == "Lahore"
