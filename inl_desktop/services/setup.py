"""Set the post's identity, load its country's reference data, and make its signing key."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inl_desktop.domain.errors import UserError
from inl_desktop.domain.roles import Permission
from inl_desktop.services.context import AppContext, Post
from inl_desktop.services.post_keys import signing_key
from inl_desktop.store.models import Person, PostIdentity, SeizureEvent, TrainingSession
from inl_desktop.store.reference import country_program, seed_reference_data

POST_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,10}$")


class BadPostCode(UserError):
    """A post code that does not have the CC-XXX form."""


def checked_post(code: str, country: str, name: str | None = None) -> tuple[str, str, str]:
    """The post's code, country and name, normalised; BadPostCode when they do not fit.

    ``name`` defaults to the post's name in the country's reference data.
    """
    code = code.strip().upper()
    country = country.strip().upper()
    program = country_program(country)
    if not POST_CODE.match(code):
        raise BadPostCode(f"Post code {code!r} must look like PK-ISB (country, dash, letters)")
    if not code.startswith(country + "-"):
        raise BadPostCode(f"Post code {code} does not belong to country {country}")
    known = {post.code: post.name for post in program.posts}
    post_name = (name or "").strip() or known.get(code)
    if not post_name:
        raise BadPostCode(
            f"Post {code} is not in {program.name}'s list ({', '.join(known)}); give its name"
        )
    return code, country, post_name


def set_up_post(ctx: AppContext, code: str, country: str, name: str | None = None) -> Post:
    """Record (or correct) the post's identity, seed its reference data, and make the
    post's signing key if it has none (a database set up as another post gets a new one)."""
    ctx.require(Permission.POST_SETUP)
    code, country, post_name = checked_post(code, country, name)
    with ctx.sessions.begin() as session:
        post = session.scalar(select(PostIdentity))
        if post is not None and post.code != code and _holds_records(session):
            raise BadPostCode(
                f"This database already holds records of post {post.code}; "
                f"it cannot become post {code}"
            )
        if post is None:
            post = PostIdentity(id=1, created_at=ctx.now())
            session.add(post)
        post.code, post.name, post.country = code, post_name, country
        seed_reference_data(session, country)
    ctx.forget_cached()
    signing_key(ctx)
    return ctx.post()


def _holds_records(session: Session) -> bool:
    return any(
        session.scalar(select(func.count()).select_from(model))
        for model in (SeizureEvent, TrainingSession, Person)
    )
