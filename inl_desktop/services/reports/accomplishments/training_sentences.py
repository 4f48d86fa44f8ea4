"""The trainees sentences (all trainees, by audience grouping, trained abroad) and the
table's figures by audience category and sex; trainees are counted as
``reports.trainings`` says."""

from __future__ import annotations

from inl_desktop.domain.statements import join_words, over
from inl_desktop.services.reports.accomplishments.figures import BASIS_TRAINEES, Figure, Wording
from inl_desktop.services.reports.training_totals import Figures
from inl_desktop.services.reports.trainings import TrainingCounts
from inl_desktop.store.summaries import IN_COUNTRY

VENUE_PLACES = {"UNITED_STATES": "the United States", "THIRD_COUNTRY": "third countries"}
_SESSIONS_BASIS = "sessions with a participant who completed"


def sex_not_recorded(figures: Figures) -> str:
    """ "sex not recorded for 193" (exact: it qualifies the figures beside it, and is not
    rounded down as they are), "sex not recorded for any of them", or "" when every
    sex is recorded. Women and men are then as recorded, never estimated."""
    if not figures.not_recorded:
        return ""
    if figures.not_recorded == figures.total:
        return "sex not recorded for any of them"
    return f"sex not recorded for {figures.not_recorded:,}"


def word_trainings(words: Wording, counts: TrainingCounts) -> None:
    """The trainees sentences and the figures behind them ("No training was completed"
    when nobody completed any)."""
    if counts.overall.unique_persons.total == 0:
        words.sentences.append(f"No training was completed {words.during}.")
        return
    _overall(words, counts)
    _by_grouping(words, counts)
    _abroad(words, counts)
    _by_audience(words, counts)
    if IN_COUNTRY in counts.sessions_by_venue:
        words.add(
            Figure(
                0,
                "Sessions",
                f"sessions: {words.catalog.label('venue_types', IN_COUNTRY)}",
                counts.sessions_by_venue[IN_COUNTRY],
                "sessions",
                _SESSIONS_BASIS,
            )
        )


def _overall(words: Wording, counts: TrainingCounts) -> None:
    overall = counts.overall.unique_persons
    number = words.next_number
    women = f", {over(overall.women)} of them women" if overall.women else ""
    unknown = sex_not_recorded(overall)
    words.sentences.append(
        f"INL trained {over(overall.total)} people {words.during}{women}"
        + (f"; {unknown}" if unknown else "")
        + "."
    )
    words.add(
        Figure(
            number,
            "Trainees",
            "people who completed training",
            overall.total,
            "persons",
            BASIS_TRAINEES,
            over(overall.total),
        ),
        Figure(
            number,
            "Trainees",
            "women who completed training",
            overall.women,
            "persons",
            BASIS_TRAINEES,
            over(overall.women) if overall.women else "",
        ),
        Figure(0, "Trainees", "men who completed training", overall.men, "persons", BASIS_TRAINEES),
        Figure(
            number if unknown else 0,
            "Trainees",
            "people who completed training, sex not recorded",
            overall.not_recorded,
            "persons",
            BASIS_TRAINEES,
            f"{overall.not_recorded:,}" if unknown else "",
        ),
        Figure(
            0,
            "Trainees",
            "completed trainings (person-trainings)",
            counts.overall.person_trainings.total,
            "person-trainings",
            BASIS_TRAINEES,
        ),
    )
    if counts.counted.total:
        words.add(
            Figure(
                0,
                "Trainees",
                "of them recorded as counts (no names)",
                counts.counted.total,
                "persons",
                "counts",
            )
        )


def _by_grouping(words: Wording, counts: TrainingCounts) -> None:
    """A sentence per audience grouping of the groupings file that has trainees."""
    for index, grouping in enumerate(words.groupings.audiences):
        trainees = counts.by_grouping.get(index)
        if trainees is None or trainees.unique_persons.total == 0:
            continue
        total = trainees.unique_persons.total
        number = words.next_number
        words.sentences.append(f"INL trained {over(total)} {grouping.label} {words.during}.")
        words.add(
            Figure(
                number,
                "Trainees by audience",
                grouping.label,
                total,
                "persons",
                BASIS_TRAINEES,
                over(total),
            )
        )


def _abroad(words: Wording, counts: TrainingCounts) -> None:
    """The sentence of the participants trained abroad and the sessions by venue."""
    abroad = counts.abroad.unique_persons.total
    if not abroad:
        return
    sessions = {
        venue: n for venue, n in counts.sessions_by_venue.items() if venue not in ("", IN_COUNTRY)
    }
    number = words.next_number
    total_sessions = sum(sessions.values())
    noun = "session" if total_sessions == 1 else "sessions"
    if len(sessions) == 1:
        (venue,) = sessions
        where = f"{total_sessions:,} {noun} in {_venue_place(words, venue)}"
    else:
        places = join_words(
            [f"{n:,} in {_venue_place(words, v)}" for v, n in sorted(sessions.items())]
        )
        where = f"{total_sessions:,} {noun}: {places}"
    words.sentences.append(
        f"INL sponsored {over(abroad)} participants for training abroad {words.during}, in {where}."
    )
    words.add(
        Figure(
            number,
            "Training abroad",
            "participants who completed training abroad",
            abroad,
            "persons",
            BASIS_TRAINEES,
            over(abroad),
        )
    )
    for venue, n in sorted(sessions.items()):
        words.add(
            Figure(
                number,
                "Training abroad",
                f"sessions: {words.catalog.label('venue_types', venue)}",
                n,
                "sessions",
                _SESSIONS_BASIS,
            )
        )


def _by_audience(words: Wording, counts: TrainingCounts) -> None:
    """The table's trainees of each audience category by sex."""
    for code, trainees in sorted(counts.by_audience.items()):
        label = words.catalog.label("audience_categories", code) if code else "not recorded"
        by_sex = [
            ("women", trainees.unique_persons.women),
            ("men", trainees.unique_persons.men),
        ]
        if trainees.unique_persons.not_recorded:
            by_sex.append(("sex not recorded", trainees.unique_persons.not_recorded))
        for sex_label, value in by_sex:
            words.add(
                Figure(
                    0,
                    "Trainees by audience category",
                    f"{label}, {sex_label}",
                    value,
                    "persons",
                    BASIS_TRAINEES,
                )
            )


def _venue_place(words: Wording, venue: str) -> str:
    return VENUE_PLACES.get(venue) or words.catalog.label("venue_types", venue)
