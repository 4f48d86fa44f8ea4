"""A clerk's afternoon in one main window: thirty seizures and ten training sessions,
typed by keyboard only, then every record read back from the file.

The window, its pages and its two forms are built once and reused for every record,
as in the field. Records are saved every way the keyboard offers (Ctrl+S then Esc,
Ctrl+Enter chaining the next report, Esc answered with Save) and some false starts
are thrown away (Esc answered with Discard). Between records Python's collector
runs, and every few records the clerk looks at every area (Ctrl+1 .. Ctrl+9) before
going back to work, sometimes in the middle of a form. Keys go where the window
system would deliver them (an open completion list first, else the focused widget);
the Alt-letters are read from the labels, since they are computed.

The data are generated from a fixed seed, so every run types the same afternoon.
"""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from inl_desktop.gui.main_window import MainWindow
from inl_desktop.gui.seizures.seizure_form import SeizureForm
from inl_desktop.gui.trainings.training_form import TrainingForm
from inl_desktop.services.context import AppContext
from tests.gui.test_main_window import label_named
from tests.gui.test_seizure_form import Asked as SeizureAsked
from tests.gui.test_seizure_form import focused, item_cells, mnemonic
from tests.gui.test_seizure_form import press as press_key
from tests.gui.test_training_form import Asked as SessionAsked

# The offscreen platform cannot resize native windows to their size hints and says
# so once per shown window (the person picker is one); noise, not a fault of the app.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", extend=True
)

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SEED = 20260615
SEIZURES = 30
SESSIONS = 10
# Reports chained by Ctrl+Enter share agency, date and place: the afternoon's batches.
BATCH_SIZES = (1, 3, 1, 2, 4, 1, 1, 3, 2, 1, 5, 1, 2, 3)
SESSION_BATCH_SIZES = (1, 2, 1, 3, 1, 2)
# After these batches the clerk starts a record and throws it away.
FALSE_STARTS_AFTER = (3, 9)
SESSION_FALSE_START_AFTER = 3
# In these batches the clerk looks at every area with the first report half typed.
TOUR_MID_SEIZURE = 5
TOUR_MID_SESSION = 2
TOUR_EVERY = 4  # records
TODAY = date(2026, 6, 15)  # the test clock's day (tests/conftest.py)

# -- what is typed, and what it stands for -------------------------------------------

# (typed, code); each typed text names one item of its list (a code, a label, or a
# part of a label found in no other item).
AGENCIES = (
    ("ANF", "ANF"),
    ("Pakistan Customs", "CUSTOMS"),
    ("FC_BA", "FC_BA"),
    ("Frontier Corps Khyber", "FC_KP"),
    ("Airport Security", "ASF"),
    ("Coast Guards", "PCG"),
    ("excise_sd", "EXCISE_SD"),
    ("Punjab Police", "PUNJAB_POLICE"),
    ("Levies", "LEVIES_BA"),
    ("Maritime Security", "PMSA"),
)
# (typed, district, its province)
DISTRICTS = (
    ("Khyber", "KP-KBR", "PK-KP"),
    ("Lahore", "PB-LHR", "PK-PB"),
    ("Quetta", "BA-QTA", "PK-BA"),
    ("Chagai", "BA-CGI", "PK-BA"),
    ("Gwadar", "BA-GWD", "PK-BA"),
    ("Peshawar", "KP-PEW", "PK-KP"),
    ("SD-KHI-KE", "SD-KHI-KE", "PK-SD"),
    ("Islamabad", "IS-ISB", "PK-IS"),
    ("Rawalpindi", "PB-RWP", "PK-PB"),
    ("Hyderabad", "SD-HYD", "PK-SD"),
)
PLACES = (
    "Torkham",
    "Wagah border",
    "Nokkundi",
    "Taftan",
    "Pasni harbour",
    "Jamrud",
    "Port Qasim",
    "Benazir Bhutto airport",
    "Rawat toll plaza",
    "Kotri bridge",
)
MASS_UNITS = (("KG", "KG"), ("Gram", "G"), ("kilog", "KG"), ("Poun", "LB"), ("MT", "MT"))
# (typed, code, units it may be typed in; None: the unit the form proposes is kept)
DRUGS: tuple[tuple[str, str, tuple[tuple[str, str] | None, ...]], ...] = (
    ("heroi", "HEROIN", (*MASS_UNITS, None)),
    ("HEROIN", "HEROIN", MASS_UNITS),
    ("Opium (raw", "OPIUM", (*MASS_UNITS, None)),
    ("OPIUM", "OPIUM", MASS_UNITS),
    ("hashish", "HASHISH", (*MASS_UNITS, None)),
    ("marijuana", "CANNABIS_HERB", MASS_UNITS),
    ("crystal", "METHAMPHETAMINE", (("Gram", "G"), ("KG", "KG"))),
    ("Cocaine (hydro", "COCAINE", (("Gram", "G"), ("KG", "KG"))),
    ("MORPHINE", "MORPHINE", (("KG", "KG"), None)),
    ("acetic", "ACETIC_ANHYDRIDE", (("Litre", "L"), ("KG", "KG"))),
    ("yaba", "METH_TABLETS", (("TABLET", "TABLET"), None)),
    ("Tramadol", "TRAMADOL", (("Tablet", "TABLET"), None)),
    ("Captagon", "CAPTAGON", (("TABLET", "TABLET"), ("KG", "KG"))),
    ("Cannabis plants", "CANNABIS_PLANTS", (("Plant", "PLANT"),)),
    ("codeine", "CODEINE", (("Bottle", "BOTTLE"),)),
)
# The unit the form proposes for the first item of a drug: tablets for a drug with a
# mass per tablet, else kilograms.
PROPOSED_FIRST = {"METH_TABLETS": "TABLET", "TRAMADOL": "TABLET"}

# (course title, typed topic, topic code)
TOPICS = (
    ("Trial advocacy", "Effective prosecutions", "EFFECTIVE_PROSECUTIONS"),
    ("Case building", "INVESTIGATION_SKILLS", "INVESTIGATION_SKILLS"),
    ("Crime scene basics", "Crime scene", "CRIME_SCENE_FORENSICS"),
    ("Border interdiction", "Border management", "BORDER_MANAGEMENT"),
    ("Financial investigations", "money laundering", "AML_FINANCIAL"),
    ("Prison management", "Corrections management", "CORRECTIONS_MANAGEMENT"),
)
# (typed, venue, the venue country it stands for or is typed as, typed country)
VENUES = (
    ("in-country", "IN_COUNTRY", "PK", ""),
    ("United States", "UNITED_STATES", "US", ""),
    ("third", "THIRD_COUNTRY", "TH", "Thailand"),
)
LOCATIONS = ("Islamabad", "Lahore", "Karachi", "Quantico, Virginia", "Bangkok ILEA", "Peshawar")
AUDIENCES = (
    ("Prosecutor", "PROSECUTOR"),
    ("JUDGE", "JUDGE"),
    ("investigator", "INVESTIGATOR"),
    ("Police officer", "POLICE_OFFICER"),
    ("Prison official", "PRISON_OFFICIAL"),
    ("NARCOTICS_OFFICER", "NARCOTICS_OFFICER"),
    ("Forensic", "FORENSIC_EXPERT"),
)
# (typed, code) of the roster's Completion list (a letter picks the first of its items)
COMPLETIONS = (("C", "completed"), ("P", "partial"), ("D", "did_not_finish"), ("N", "no_show"))
PERSON_AGENCIES = (
    ("ANF", "ANF"),
    ("Islamabad Capital Territory Police", "ICT_POLICE"),
    ("PROSECUTION_PB", "PROSECUTION_PB"),
    ("Sindh Police", "SINDH_POLICE"),
    ("Punjab Prisons", "PRISONS_PB"),
    ("FIA", "FIA"),
)
FIRST_NAMES = {
    "F": ("Ayesha", "Sana", "Nadia", "Zainab", "Farah", "Hina", "Mehwish", "Rabia", "Saima"),
    "M": ("Bilal", "Imran", "Omar", "Kamran", "Usman", "Tariq", "Asad", "Junaid", "Waqas"),
}
SURNAMES = ("Khan", "Malik", "Siddiqui", "Ahmed", "Qureshi", "Butt", "Chaudhry", "Baloch")
RANKS = ("Inspector", "Sub-Inspector", "ASI", "Deputy Prosecutor", "Superintendent", "")


@dataclass(frozen=True)
class Item:
    """A drug item as typed (``unit`` None: the proposed unit is kept) and as stored."""

    drug: str
    drug_code: str
    quantity: str
    stored_quantity: str
    unit: str | None
    unit_code: str


@dataclass(frozen=True)
class Seizure:
    """One report. ``chained``: started by Ctrl+Enter after the one before, whose
    agency, date, district, place and status it keeps. ``ending``: "save" (Ctrl+S),
    "chain" (Ctrl+Enter), "escape" (Esc answered with Save)."""

    date: str
    event_date: str
    agency: str
    agency_code: str
    district: str
    district_code: str
    province_code: str
    place: str
    source: str
    final: bool
    items: tuple[Item, ...]
    chained: bool
    ending: str
    tour_midway: bool = False


@dataclass(frozen=True)
class Person:
    """A participant: typed in as a new person, or picked by ``search``."""

    name: str
    sex: str
    agency: str
    agency_code: str
    rank: str
    national_id: str


@dataclass(frozen=True)
class Participant:
    """A roster row: the person (new: typed in; else picked) and their enrollment."""

    person: Person
    new: bool
    search: str
    audience: str
    audience_code: str
    completion: str
    completion_code: str
    pre_score: str
    post_score: str


@dataclass(frozen=True)
class Session:
    """One training session; ``chained`` keeps topic, venue, dates and statuses of the
    one before (Ctrl+Enter)."""

    title: str
    topic: str
    topic_code: str
    provider: str
    venue: str
    venue_code: str
    venue_country: str
    country_typed: str
    location: str
    start: str
    end: str
    final: bool
    participants: tuple[Participant, ...]
    chained: bool
    ending: str
    tour_midway: bool = False


def quantity_of(number: int) -> tuple[str, str]:
    """The ``number``-th quantity of the afternoon as typed and as stored: each one
    differs from every other by more than the 1% that makes a possible duplicate."""
    whole = 12 + 7 * number
    style = number % 4
    if style == 0:
        return str(whole), str(whole)
    if style == 1:
        return f"{whole}.5", f"{whole}.5"
    if style == 2:
        return f"{whole * 10:,}", str(whole * 10)
    return f"{whole}.25", f"{whole}.25"


def typed_date(day: date, digits_only: bool) -> str:
    return day.strftime("%Y%m%d") if digits_only else day.isoformat()


def plan_seizures(rng: random.Random) -> list[Seizure]:
    """Thirty reports in batches; the last of each batch says how the batch ends."""
    assert sum(BATCH_SIZES) == SEIZURES
    seizures: list[Seizure] = []
    item_number = 0
    for batch, size in enumerate(BATCH_SIZES):
        day = TODAY - timedelta(days=rng.randint(1, 340))
        agency, agency_code = AGENCIES[batch % len(AGENCIES)]
        district, district_code, province = DISTRICTS[(batch * 3) % len(DISTRICTS)]
        place = PLACES[batch % len(PLACES)]
        final = rng.random() < 0.5
        ending = ("save", "escape", "chain")[batch % 3]
        for n in range(size):
            items = []
            drugs = rng.sample(DRUGS, rng.choice((2, 3)))
            for position, (drug, drug_code, units) in enumerate(drugs):
                unit = rng.choice(units)
                if unit is None and position > 0:
                    unit = units[0]  # a proposal after the first item depends on it
                assert unit is not None or position == 0
                typed, stored = quantity_of(item_number)
                item_number += 1
                items.append(
                    Item(
                        drug,
                        drug_code,
                        typed,
                        stored,
                        unit[0] if unit else None,
                        unit[1] if unit else PROPOSED_FIRST.get(drug_code, "KG"),
                    )
                )
            seizures.append(
                Seizure(
                    date=typed_date(day, digits_only=rng.random() < 0.3),
                    event_date=day.isoformat(),
                    agency=agency,
                    agency_code=agency_code,
                    district=district,
                    district_code=district_code,
                    province_code=province,
                    place=place,
                    source=f"{agency_code}/{day.year}/{len(seizures) + 1:04d}",
                    final=final,
                    items=tuple(items),
                    chained=n > 0,
                    ending=ending if n == size - 1 else "chain",
                    tour_midway=batch == TOUR_MID_SEIZURE and n == 0,
                )
            )
    return seizures


def plan_people(rng: random.Random) -> list[Person]:
    """Everyone who may come to a session: unique names, most with a CNIC."""
    people = []
    for number, (first, sex) in enumerate(
        [(name, "F") for name in FIRST_NAMES["F"]] + [(name, "M") for name in FIRST_NAMES["M"]]
    ):
        agency, agency_code = PERSON_AGENCIES[number % len(PERSON_AGENCIES)]
        cnic = (
            "" if number % 5 == 4 else f"{35200 + number}-{4_000_000 + 7919 * number}-{number % 10}"
        )
        people.append(
            Person(
                name=f"{first} {SURNAMES[number % len(SURNAMES)]}",
                sex=sex,
                agency=agency,
                agency_code=agency_code,
                rank=RANKS[number % len(RANKS)],
                national_id=cnic,
            )
        )
    rng.shuffle(people)
    return people


def plan_sessions(rng: random.Random) -> list[Session]:
    """Ten sessions with rosters of two to four; the first people are typed in, later
    sessions pick some of them from the directory."""
    assert sum(SESSION_BATCH_SIZES) == SESSIONS
    people = plan_people(rng)
    known: list[Person] = []
    waiting = list(people)
    sessions: list[Session] = []
    for batch, size in enumerate(SESSION_BATCH_SIZES):
        course, topic, topic_code = TOPICS[batch % len(TOPICS)]
        venue, venue_code, country, country_typed = VENUES[batch % len(VENUES)]
        start = TODAY - timedelta(days=rng.randint(20, 300))
        end = start + timedelta(days=rng.randint(0, 4))
        final = batch % 2 == 0
        ending = ("save", "chain", "escape")[batch % 3]
        for n in range(size):
            participants = []
            roster: list[Person] = []
            for _ in range(rng.randint(2, 4)):
                choices = [p for p in known if p not in roster]
                pick = bool(choices) and (not waiting or rng.random() < 0.5)
                if pick:
                    person = rng.choice(choices)
                    search = person.national_id[6:13] if person.national_id else person.name
                else:
                    person = waiting.pop()
                    search = ""
                roster.append(person)
                audience, audience_code = rng.choice(AUDIENCES)
                completion, completion_code = rng.choice(COMPLETIONS)
                scored = rng.random() < 0.4
                participants.append(
                    Participant(
                        person=person,
                        new=not pick,
                        search=search,
                        audience=audience,
                        audience_code=audience_code,
                        completion=completion,
                        completion_code=completion_code,
                        pre_score=str(rng.randint(20, 70)) if scored else "",
                        post_score=f"{rng.randint(60, 99)}.5" if scored else "",
                    )
                )
            known += [p.person for p in participants if p.new]
            sessions.append(
                Session(
                    title=f"{course}, batch {len(sessions) + 1}",
                    topic=topic,
                    topic_code=topic_code,
                    provider=("INL Pakistan", "ICITAP", "UNODC")[batch % 3],
                    venue=venue,
                    venue_code=venue_code,
                    venue_country=country,
                    country_typed=country_typed,
                    location=LOCATIONS[batch % len(LOCATIONS)],
                    start=typed_date(start, digits_only=batch % 2 == 1),
                    end=end.isoformat(),
                    final=final,
                    participants=tuple(participants),
                    chained=n > 0,
                    ending=ending if n == size - 1 else "chain",
                    tour_midway=batch == TOUR_MID_SESSION and n == 0,
                )
            )
    return sessions


# -- the keyboard ----------------------------------------------------------------------


def between_keys() -> None:
    """What the event loop does between two of the clerk's keys.

    QTest delivers keys at once, with nothing in between. On a desktop the window
    system answers in between; the offscreen platform answers a completion list's
    showing by making it the active window, and if that answer is only read after
    the list has closed again, the main window is left inactive, and the cursor no
    longer follows setFocus.
    """
    QApplication.processEvents()


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """Press a key where the window system would deliver it (tests/gui/test_seizure_form)."""
    press_key(qtbot, key, modifier)
    between_keys()


def type_keys(qtbot: QtBot, typed: str) -> None:
    """Type where the keyboard is (an open completion list passes keys to its field)."""
    qtbot.keyClicks(QApplication.activePopupWidget() or focused(), typed)
    between_keys()


def expect_cursor_in(name: str) -> None:
    assert focused().accessibleName() == name, (
        f"the cursor is in {focused().accessibleName()!r}, not {name!r}"
    )


def alt_to(qtbot: QtBot, form: QWidget, name: str) -> None:
    """Alt + the letter underlined in the label of the input named ``name``."""
    press(qtbot, mnemonic(form, name), ALT)
    expect_cursor_in(name)


def choose_last(qtbot: QtBot, form: QWidget, name: str) -> None:
    """Alt-letter to a list, End for its last choice (Final of Draft, Final).

    Not the first letter typed: a list reused within the type-ahead interval
    (400 ms, and QTest types the next record well within it) adds the letter to
    the last search ("FF"), which no real clerk's pace does.
    """
    alt_to(qtbot, form, name)
    press(qtbot, Qt.Key.Key_End)


def tab_to(qtbot: QtBot, name: str) -> None:
    press(qtbot, Qt.Key.Key_Tab)
    expect_cursor_in(name)


def area_key(number: int) -> Qt.Key:
    return Qt.Key(Qt.Key.Key_0 + number)


def wait_for_background_work(window: MainWindow) -> None:
    """Every page's reads and tasks done (their answers then arrive by signal)."""
    window.seizures.wait_for_totals()
    window.trainings.wait_for_totals()
    window.people.wait_for_counts()
    window.dashboard.wait()
    window.report.wait()
    window.backups.wait()
    window.export.task.wait()
    window.consolidation.task.wait()


def visit_every_area(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+1 .. Ctrl+9, the keyboard landing in each area; wait for what they count."""
    for number in range(1, 10):
        press(qtbot, area_key(number), CTRL)
        page = window.pages.currentWidget()
        assert window.navigation.currentRow() == number - 1
        assert page is focused() or page.isAncestorOf(focused()), (
            f"Ctrl+{number}: the keyboard is in {focused()!r}, outside the area"
        )
        wait_for_background_work(window)
        gc.collect()


def tour_and_come_back(qtbot: QtBot, window: MainWindow, area: int) -> None:
    """Every area from the middle of a form, then Ctrl+<area>: the cursor is back
    where it was."""
    where = focused()
    visit_every_area(qtbot, window)
    press(qtbot, area_key(area), CTRL)
    assert focused() is where, f"back in the form, the cursor is in {focused()!r}"


def status_counts(seizures: int, items: int, sessions: int, persons: int) -> str:
    return (
        f"{items:,} drug items in {seizures:,} seizures · {sessions:,} trainings · "
        f"{persons:,} persons"
    )


class Tally:
    """What the clerk has saved so far, as the status bar should count it."""

    def __init__(self, window: MainWindow, qtbot: QtBot) -> None:
        self.window = window
        self.qtbot = qtbot
        self.seizures = 0
        self.items = 0
        self.sessions = 0
        self.persons = 0
        self.records = 0

    def expect_shown(self) -> None:
        """Wait until the status bar counts what was saved (it is told by signal)."""
        wanted = status_counts(self.seizures, self.items, self.sessions, self.persons)
        self.qtbot.waitUntil(lambda: self.window.counts_label.text() == wanted, timeout=10_000)


# -- seizures ------------------------------------------------------------------------------


def type_items(
    qtbot: QtBot,
    form: SeizureForm,
    items: tuple[Item, ...],
    after_first: Callable[[], None] | None = None,
) -> None:
    """From the first Drug cell: each item's drug, quantity and unit; Insert between."""
    for n, item in enumerate(items):
        if n:
            press(qtbot, Qt.Key.Key_Insert)
        assert focused() is item_cells(form, "Drug")[n]
        type_keys(qtbot, item.drug)
        tab_to(qtbot, "Quantity" if n == 0 else f"Quantity, item {n + 1}")
        type_keys(qtbot, item.quantity)
        if item.unit is not None:
            tab_to(qtbot, "Unit" if n == 0 else f"Unit, item {n + 1}")
            type_keys(qtbot, item.unit)
        if n == 0 and after_first is not None:
            after_first()


def enter_seizure(
    qtbot: QtBot, window: MainWindow, seizure: Seizure, asked: SeizureAsked, tally: Tally
) -> None:
    """Type one report in the open form and end it as planned."""
    form = window.seizures.form
    if seizure.chained:
        # Ctrl+Enter left the cursor in the first Drug cell, the event kept.
        assert focused() is item_cells(form, "Drug")[0]
        type_items(qtbot, form, seizure.items)
        alt_to(qtbot, form, "Source reference")
        type_keys(qtbot, seizure.source)
    else:
        expect_cursor_in("Date of seizure")
        type_keys(qtbot, seizure.date)
        alt_to(qtbot, form, "Seizing agency")
        type_keys(qtbot, seizure.agency)
        alt_to(qtbot, form, "District")
        type_keys(qtbot, seizure.district)
        tab_to(qtbot, "Place")
        type_keys(qtbot, seizure.place)
        tab_to(qtbot, "Source reference")
        type_keys(qtbot, seizure.source)
        tab_to(qtbot, "Drug")
        midway = (lambda: tour_and_come_back(qtbot, window, 2)) if seizure.tour_midway else None
        type_items(qtbot, form, seizure.items, midway)
        if seizure.final:
            choose_last(qtbot, form, "Record status")
            assert form.inputs["status"].currentData() == "final"
    assert form.has_unsaved_changes()
    unsaved_before = asked.count("unsaved")
    if seizure.ending == "save":
        press(qtbot, Qt.Key.Key_S, CTRL)
        assert not form.has_unsaved_changes()
        press(qtbot, Qt.Key.Key_Escape)  # nothing left to ask about
        assert asked.count("unsaved") == unsaved_before
    elif seizure.ending == "escape":
        press(qtbot, Qt.Key.Key_Tab)  # out of the cell (Esc would only close its list)
        asked.unsaved_answer = "save"
        press(qtbot, Qt.Key.Key_Escape)
        asked.unsaved_answer = None
        assert asked.count("unsaved") == unsaved_before + 1
    else:
        press(qtbot, Qt.Key.Key_Return, CTRL)
        assert not form.has_unsaved_changes()
        assert focused() is item_cells(form, "Drug")[0]
    tally.seizures += 1
    tally.items += len(seizure.items)
    tally.records += 1
    assert asked.problems == [] and asked.errors == [] and asked.duplicates == []


def leave_chain(qtbot: QtBot, window: MainWindow, asked: SeizureAsked) -> None:
    """Esc on the empty report Ctrl+Enter started: back to the list, nothing asked."""
    unsaved_before = asked.count("unsaved")
    press(qtbot, Qt.Key.Key_Escape)
    assert asked.count("unsaved") == unsaved_before


def start_seizure(qtbot: QtBot, window: MainWindow) -> None:
    """From wherever the keyboard is: the Seizures list (Ctrl+2), a new report (Ctrl+N)."""
    press(qtbot, area_key(2), CTRL)
    assert focused() is window.seizures.table
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert window.seizures.stack.currentWidget() is window.seizures.form
    assert not window.seizures.form.has_unsaved_changes()


def throw_away_a_seizure(qtbot: QtBot, window: MainWindow, asked: SeizureAsked, place: str) -> None:
    """A report started, then Esc answered with Discard: nothing is written."""
    form = window.seizures.form
    start_seizure(qtbot, window)
    expect_cursor_in("Date of seizure")
    type_keys(qtbot, "2026-05-01")
    alt_to(qtbot, form, "Place")
    type_keys(qtbot, place)
    alt_to(qtbot, form, "Drug")
    type_keys(qtbot, "HASHISH")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "999")
    unsaved_before = asked.count("unsaved")
    asked.unsaved_answer = "discard"
    press(qtbot, Qt.Key.Key_Escape)
    asked.unsaved_answer = None
    assert asked.count("unsaved") == unsaved_before + 1
    assert window.seizures.stack.currentWidget() is window.seizures.list_panel
    assert not form.has_unsaved_changes()


# -- training sessions -----------------------------------------------------------------------


def pick(qtbot: QtBot, form: TrainingForm, search: str) -> None:
    """F4, type ``search`` into the picker, Enter to take the one person found."""
    press(qtbot, Qt.Key.Key_F4)
    picker = form.picker
    assert picker is not None and picker.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.search_edit)
    type_keys(qtbot, search)
    assert picker.found() and len(picker.found()) == 1, f"{search!r}: {picker.found()}"
    press(qtbot, Qt.Key.Key_Return)
    assert form.picker is None
    # The window gets the keyboard back once the window system reactivates it.
    qtbot.waitUntil(lambda: form.isAncestorOf(QApplication.focusWidget()))


def type_participant(qtbot: QtBot, form: TrainingForm, participant: Participant) -> None:
    """A new person typed in on a new row (Insert), or one picked (F4); then the
    enrollment: audience, completion and perhaps the test scores."""
    person = participant.person
    if participant.new:
        press(qtbot, Qt.Key.Key_Insert)
        expect_cursor_in("Name (as on ID)")
        type_keys(qtbot, person.name)
        tab_to(qtbot, "Sex")
        type_keys(qtbot, person.sex)
        tab_to(qtbot, "Agency")
        type_keys(qtbot, person.agency)
        tab_to(qtbot, "Rank")
        type_keys(qtbot, person.rank)
        tab_to(qtbot, "National ID")
        type_keys(qtbot, person.national_id)
        tab_to(qtbot, "Audience category")
    else:
        pick(qtbot, form, participant.search)
        expect_cursor_in("Audience category")
    type_keys(qtbot, participant.audience)
    tab_to(qtbot, "Completion")
    type_keys(qtbot, participant.completion)
    tab_to(qtbot, "Pre-test score")
    if participant.pre_score:
        type_keys(qtbot, participant.pre_score)
        tab_to(qtbot, "Post-test score")
        type_keys(qtbot, participant.post_score)
        tab_to(qtbot, "Certificate number")


def enter_session(
    qtbot: QtBot, window: MainWindow, session: Session, asked: SessionAsked, tally: Tally
) -> None:
    """Type one session and its roster in the open form and end it as planned."""
    form = window.trainings.form
    expect_cursor_in("Title")
    type_keys(qtbot, session.title)
    if not session.chained:
        alt_to(qtbot, form, "Topic")
        type_keys(qtbot, session.topic)
        alt_to(qtbot, form, "Provider")
        type_keys(qtbot, session.provider)
        alt_to(qtbot, form, "Session status")
        press(qtbot, Qt.Key.Key_Home)  # planned, active, completed, cancelled
        press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Down)
        assert form.inputs["training_status"].currentData() == "completed"
        alt_to(qtbot, form, "Venue")
        type_keys(qtbot, session.venue)
        tab_to(qtbot, "Location")
        type_keys(qtbot, session.location)
        if session.country_typed:
            tab_to(qtbot, "Venue country")
            type_keys(qtbot, session.country_typed)
        alt_to(qtbot, form, "Start date")
        type_keys(qtbot, session.start)
        tab_to(qtbot, "End date")
        type_keys(qtbot, session.end)
        if session.final:
            choose_last(qtbot, form, "Record status")
            assert form.inputs["status"].currentData() == "final"
    for n, participant in enumerate(session.participants):
        type_participant(qtbot, form, participant)
        if session.tour_midway and n == 0:
            visit_every_area(qtbot, window)
            press(qtbot, area_key(3), CTRL)
            # The roster cell's editor closed when the keyboard left the area, so
            # the keyboard comes back to the form but not to the roster; Insert and
            # F4 answer anywhere in the form.
            assert form.isAncestorOf(focused())
    # (Not form.has_unsaved_changes() here: asking it closes the open cell's editor.)
    unsaved_before = asked.count("unsaved")
    if session.ending == "save":
        press(qtbot, Qt.Key.Key_S, CTRL)
        assert not form.has_unsaved_changes()
        press(qtbot, Qt.Key.Key_Escape)
        assert asked.count("unsaved") == unsaved_before
    elif session.ending == "escape":
        expect_cursor_in(
            "Certificate number" if session.participants[-1].pre_score else "Pre-test score"
        )
        press(qtbot, Qt.Key.Key_Escape)  # closes the open (empty) cell
        assert form.roster_grid.editor() is None
        asked.unsaved_answer = "save"
        press(qtbot, Qt.Key.Key_Escape)
        asked.unsaved_answer = None
        assert asked.count("unsaved") == unsaved_before + 1
    else:
        press(qtbot, Qt.Key.Key_Return, CTRL)
        assert not form.has_unsaved_changes()
        expect_cursor_in("Title")
    tally.sessions += 1
    tally.persons += sum(1 for p in session.participants if p.new)
    tally.records += 1
    assert asked.problems == [] and asked.errors == []
    assert asked.switches == [] and asked.same_people == []


def start_session(qtbot: QtBot, window: MainWindow) -> None:
    """The Trainings list (Ctrl+3), a new session (Ctrl+N)."""
    press(qtbot, area_key(3), CTRL)
    assert focused() is window.trainings.table
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert window.trainings.stack.currentWidget() is window.trainings.form
    assert not window.trainings.form.has_unsaved_changes()


def throw_away_a_session(qtbot: QtBot, window: MainWindow, asked: SessionAsked, title: str) -> None:
    form = window.trainings.form
    start_session(qtbot, window)
    expect_cursor_in("Title")
    type_keys(qtbot, title)
    press(qtbot, Qt.Key.Key_Insert)
    type_keys(qtbot, "Nobody Saved")
    tab_to(qtbot, "Sex")
    type_keys(qtbot, "M")
    tab_to(qtbot, "Agency")
    tab_to(qtbot, "Rank")
    press(qtbot, Qt.Key.Key_Escape)  # closes the open (empty) cell
    assert form.roster_grid.editor() is None
    unsaved_before = asked.count("unsaved")
    asked.unsaved_answer = "discard"
    press(qtbot, Qt.Key.Key_Escape)
    asked.unsaved_answer = None
    assert asked.count("unsaved") == unsaved_before + 1
    assert window.trainings.stack.currentWidget() is window.trainings.list_panel
    assert not form.has_unsaved_changes()


# -- the afternoon ---------------------------------------------------------------------------


class ExceptionCount:
    """Python exceptions that reached sys.excepthook (a slot, a virtual method, a
    worker's job); each is passed on to the hook that was there (pytest-qt's)."""

    def __init__(self) -> None:
        self.seen: list[BaseException] = []
        self._before = sys.excepthook

    def __call__(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        self.seen.append(error)
        self._before(kind, error, trace)

    def restore(self) -> None:
        sys.excepthook = self._before


@pytest.fixture
def exceptions(request: pytest.FixtureRequest) -> Iterator[ExceptionCount]:
    """Counts exceptions reaching sys.excepthook during the test.

    pytest-qt also fails the test on any of them, as long as its capture is on: not
    turned off in the configuration (qt_no_exception_capture) nor for this test.
    """
    assert not request.config.getini("qt_no_exception_capture")
    assert request.node.get_closest_marker("qt_no_exception_capture") is None
    count = ExceptionCount()
    sys.excepthook = count
    yield count
    count.restore()


class ClerkAsked(SeizureAsked, SessionAsked):
    """The window's questions, about seizures and sessions alike."""


@pytest.fixture
def asked() -> ClerkAsked:
    """What the window asked the clerk, with the answers the test gives."""
    return ClerkAsked()


@pytest.fixture
def window(
    qtbot: QtBot, app: QApplication, ctx: AppContext, db_path: Path, asked: ClerkAsked
) -> Iterator[MainWindow]:
    """The main window on a fresh PK-ISB database, shown and active.

    Closed here rather than by qtbot, so that a run stopped by a failure, which
    leaves a form half typed, closes without asking about it.
    """
    shown = MainWindow(ctx, db_path, prompts=asked)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    yield shown
    asked.always("unsaved", "discard")
    shown.close()
    shown.deleteLater()


def rows(ctx: AppContext, sql: str) -> list[tuple[object, ...]]:
    with ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_an_afternoon_of_forty_records_by_keyboard_in_one_window(
    qtbot: QtBot,
    window: MainWindow,
    ctx: AppContext,
    exceptions: ExceptionCount,
    asked: ClerkAsked,
) -> None:
    rng = random.Random(SEED)
    seizures = plan_seizures(rng)
    sessions = plan_sessions(rng)
    seizure_asked = session_asked = asked
    tally = Tally(window, qtbot)
    tally.expect_shown()

    def between_records(area: int) -> None:
        """Python's collector runs; every few records the clerk looks at every area
        and comes back to where the cursor was (a list, or the next report)."""
        gc.collect()
        tally.expect_shown()
        if tally.records % TOUR_EVERY == 0:
            tour_and_come_back(qtbot, window, area)

    batch = 0
    for number, seizure in enumerate(seizures):
        if not seizure.chained:
            start_seizure(qtbot, window)
        enter_seizure(qtbot, window, seizure, seizure_asked, tally)
        last_of_batch = number == len(seizures) - 1 or not seizures[number + 1].chained
        if last_of_batch:
            if seizure.ending == "chain":
                leave_chain(qtbot, window, seizure_asked)
            assert window.seizures.stack.currentWidget() is window.seizures.list_panel
            assert focused() is window.seizures.table
            if batch in FALSE_STARTS_AFTER:
                throw_away_a_seizure(qtbot, window, seizure_asked, f"Thrown away {batch}")
            batch += 1
        between_records(2)

    batch = 0
    for number, session in enumerate(sessions):
        if not session.chained:
            start_session(qtbot, window)
        enter_session(qtbot, window, session, session_asked, tally)
        last_of_batch = number == len(sessions) - 1 or not sessions[number + 1].chained
        if last_of_batch:
            if session.ending == "chain":
                press(qtbot, Qt.Key.Key_Escape)  # the empty next session: nothing asked
            assert window.trainings.stack.currentWidget() is window.trainings.list_panel
            assert focused() is window.trainings.table
            if batch == SESSION_FALSE_START_AFTER:
                throw_away_a_session(qtbot, window, session_asked, "Thrown away session")
            batch += 1
        between_records(3)

    visit_every_area(qtbot, window)
    tally.expect_shown()
    # What the areas show once their counting is done.
    qtbot.waitUntil(
        lambda: window.seizures.totals_label.text().startswith(f"{tally.items:,} items ·")
    )
    qtbot.waitUntil(
        lambda: window.trainings.totals_label.text().startswith(f"{SESSIONS} sessions ·")
    )
    assert label_named(window, "Drug items seized").text() == f"{tally.items:,}"
    assert label_named(window, "Seizure events").text() == f"{SEIZURES:,}"
    assert label_named(window, "Training sessions").text() == f"{SESSIONS:,}"
    assert exceptions.seen == []
    assert seizure_asked.problems == [] and seizure_asked.errors == []
    assert session_asked.problems == [] and session_asked.errors == []

    # Every seizure as typed, found by its source reference.
    stored_events = {
        row[0]: row[1:]
        for row in rows(
            ctx,
            "SELECT source_reference, event_date, agency, province, district, place, status, "
            "basis FROM seizure_events",
        )
    }
    assert len(stored_events) == SEIZURES == len(rows(ctx, "SELECT id FROM seizure_events"))
    for seizure in seizures:
        assert stored_events[seizure.source] == (
            seizure.event_date,
            seizure.agency_code,
            seizure.province_code,
            seizure.district_code,
            seizure.place,
            "final" if seizure.final else "draft",
            "case",
        ), seizure.source
    stored_items: dict[object, list[tuple[object, ...]]] = {}
    for source, drug, quantity, unit in rows(
        ctx,
        "SELECT e.source_reference, i.drug, i.quantity, i.unit FROM seizure_items i "
        "JOIN seizure_events e ON e.id = i.event_id ORDER BY e.id, i.position",
    ):
        stored_items.setdefault(source, []).append((drug, quantity, unit))
    for seizure in seizures:
        assert stored_items[seizure.source] == [
            (item.drug_code, item.stored_quantity, item.unit_code) for item in seizure.items
        ], seizure.source
    assert sum(len(found) for found in stored_items.values()) == tally.items
    assert rows(ctx, "SELECT count(*) FROM seizure_events WHERE place LIKE 'Thrown away%'") == [
        (0,)
    ]

    # Every session with its participants, in roster order.
    stored_sessions = {
        row[0]: row[1:]
        for row in rows(
            ctx,
            "SELECT title, topic, provider, venue_type, venue_country, location, start_date, "
            "end_date, training_status, status, attendance_mode FROM training_sessions",
        )
    }
    assert len(stored_sessions) == SESSIONS
    for session in sessions:
        start = session.start
        if "-" not in start:
            start = f"{start[:4]}-{start[4:6]}-{start[6:]}"
        assert stored_sessions[session.title] == (
            session.topic_code,
            session.provider,
            session.venue_code,
            session.venue_country,
            session.location,
            start,
            session.end,
            "completed",
            "final" if session.final else "draft",
            "roster",
        ), session.title
    enrolled: dict[object, list[tuple[object, ...]]] = {}
    for title, *values in rows(
        ctx,
        "SELECT s.title, p.full_name, p.sex, p.agency, p.rank, p.national_id, e.audience, "
        "e.completion, e.pre_score, e.post_score FROM enrollments e "
        "JOIN training_sessions s ON s.id = e.session_id "
        "JOIN persons p ON p.id = e.person_id ORDER BY s.id, e.position",
    ):
        enrolled.setdefault(title, []).append(tuple(values))
    for session in sessions:
        assert enrolled[session.title] == [
            (
                p.person.name,
                p.person.sex,
                p.person.agency_code,
                p.person.rank or None,
                p.person.national_id or None,
                p.audience_code,
                p.completion_code,
                p.pre_score or None,
                p.post_score or None,
            )
            for p in session.participants
        ], session.title
    assert rows(ctx, "SELECT count(*) FROM persons") == [(tally.persons,)]
    assert rows(ctx, "SELECT count(*) FROM persons WHERE full_name = 'Nobody Saved'") == [(0,)]
