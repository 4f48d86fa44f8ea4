"""One row of the source read into a record: each mapped cell parsed (a file repeats
its dates, agencies and drugs, so each text is read once), coded values looked up or
suggested, and the record checked with the same rules as the forms."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from inl_desktop.domain.catalog import Catalog
from inl_desktop.domain.drafts import (
    AttendanceCountDraft,
    EnrollmentDraft,
    PersonDraft,
    SeizureDraft,
    SeizureItemDraft,
    TrainingDraft,
)
from inl_desktop.domain.errors import FieldError
from inl_desktop.domain.fields import SEX_NOT_RECORDED
from inl_desktop.domain.import_values import (
    Decimals,
    parse_date,
    parse_integer,
    parse_number,
    split_quantity,
)
from inl_desktop.domain.periods import BadPeriod, parse_period
from inl_desktop.domain.roster import fold
from inl_desktop.domain.validation import (
    validate_enrollment,
    validate_person,
    validate_seizure,
    validate_training,
)
from inl_desktop.exchange.sources import Cell
from inl_desktop.services.context import AppContext
from inl_desktop.services.importing.mapping import ImportMapping
from inl_desktop.services.importing.outcomes import RosterRow, RowProblem
from inl_desktop.services.importing.source_rows import cell_key
from inl_desktop.services.importing.spellings import suggest_code, unit_text_code
from inl_desktop.services.importing.targets import (
    ENROLLMENT_FIELDS,
    ROSTER_FIELDS,
    ImportKind,
    Reads,
    Target,
)
from inl_desktop.services.seizures import normalised

_READ_MEMORY = 200_000  # cell readings kept per import
# Count columns by the sex they count: men, women, and trainees whose sex the file
# does not record (never counted as either).
_COUNTED_SEXES = (("M", "male"), ("F", "female"), (SEX_NOT_RECORDED, "sex_not_recorded"))


class RowReader:
    """Turns one row's cells into a draft and its problems."""

    def __init__(
        self,
        ctx: AppContext,
        catalog: Catalog,
        mapping: ImportMapping,
        columns: dict[str, list[int]],
        headers: list[str],
        targets: dict[str, Target],
    ) -> None:
        self.catalog = catalog
        self.today = ctx.today()
        self.mapping = mapping
        self.columns = columns
        self.headers = headers
        self.targets = targets
        self.suggested: dict[str, dict[str, str]] = {}
        self._codes: dict[tuple[str, str], str | None] = {}
        self._units: dict[str, str | None] = {}
        self._read: dict[tuple[str, type, Cell], tuple[Any, str | None]] = {}
        self._mapped = [(name, target) for name, target in targets.items() if name in columns]
        # Constants are the same on every row: read once (the value, or the reason).
        self._constants: dict[str, tuple[Any, str | None]] = {}
        for name, text in mapping.constants.items():
            if name in columns or name not in targets:
                continue
            try:
                self._constants[name] = (self._parse(targets[name], text), None)
            except ValueError as error:
                self._constants[name] = (None, str(error))

    def read(self, number: int, cells: list[Cell]) -> tuple[Any, list[RowProblem], dict[str, Any]]:
        """The row's record, its problems, and its parsed values (the quantity's unit as
        a code) for its fingerprint."""
        problems: list[RowProblem] = []
        values: dict[str, Any] = {}
        for name, target in self._mapped:
            raw = self._raw(name, cells)
            if raw is None:
                continue
            # A file repeats its dates, agencies and drugs: each text is read once.
            # (The type is in the key: True, 1 and 1.0 are equal keys but read apart.)
            key = (name, raw.__class__, raw)
            read = self._read.get(key)
            if read is None:
                try:
                    read = (self._parse(target, raw), None)
                except ValueError as error:
                    read = (None, str(error))
                if len(self._read) < _READ_MEMORY:
                    self._read[key] = read
            value, reason = read
            if reason is None:
                values[name] = value
            else:
                problems.append(RowProblem(number, self._column(name), reason))
        for name, (value, reason) in self._constants.items():
            if reason is not None:
                problems.append(RowProblem(number, self._column(name), reason))
            elif value is not None:
                values[name] = value
        kind = self.mapping.kind
        record: SeizureDraft | TrainingDraft | RosterRow | PersonDraft
        if kind is ImportKind.SEIZURES:
            record, errors = self._seizure(values, number, problems)
        elif kind is ImportKind.TRAININGS:
            record, errors = self._training(values)
        else:
            record, errors = self._person(values)
        unreadable = {problem.column for problem in problems}
        if self._column("quantity") in unreadable and "unit" not in self.columns:
            unreadable.add(self._column("unit"))  # the unit was to come from the quantity
        for found in errors:
            column = self._column(found.field)
            if column not in unreadable:  # a cell that could not be read is not also "missing"
                problems.append(RowProblem(number, column, found.message))
        if "quantity" in values:
            quantity, unit_text = values["quantity"]
            values["quantity"] = quantity
            if values.get("unit") is None and unit_text:
                values["unit"] = self._unit(unit_text) or fold(unit_text)
        return record, problems, values

    def _raw(self, name: str, cells: list[Cell]) -> Cell:
        places = self.columns[name]
        if len(places) == 1:
            cell = cells[places[0]]
            return None if cell == "" else cell
        present = [cells[i] for i in places if cells[i] not in (None, "")]
        if not present:
            return None
        joiner = "-" if self.targets[name].reads is Reads.DATE else " "
        return joiner.join(cell_key(cell) for cell in present)

    def _column(self, name: str) -> str:
        places = self.columns.get(name)
        if places:
            return " + ".join(self.headers[i] for i in places)
        target = self.targets.get(name)
        label = target.label if target else name.replace("_", " ")
        return f"{label} (constant)" if name in self.mapping.constants else label

    def _parse(self, target: Target, raw: Cell) -> Any:
        decimals = self.mapping.decimal_separator or Decimals.POINT
        reads = target.reads
        if reads is Reads.TEXT:
            return cell_key(raw) if not isinstance(raw, str) else raw.strip() or None
        if reads is Reads.DATE:
            return parse_date(raw, self.mapping.date_order)
        if reads is Reads.NUMBER:
            if target.name == "quantity":
                return split_quantity(raw, decimals)
            return parse_number(raw, decimals)
        if reads is Reads.INTEGER:
            return parse_integer(raw, decimals)
        if reads is Reads.PERIOD:
            text = cell_key(raw)
            try:
                return parse_period(text)
            except BadPeriod:
                raise ValueError(
                    f"{text!r} is not a period (2019, FY2020, 2019Q1, 2019-03)"
                ) from None
        if reads is Reads.CHOICE:
            return self._choice(target, cell_key(raw))
        if reads is Reads.CODES:
            texts = [part for part in cell_key(raw).replace(";", ",").split(",") if part.strip()]
            return tuple(self._code(target, text.strip()) for text in texts)
        return self._code(target, cell_key(raw))

    def _choice(self, target: Target, text: str) -> str:
        assert target.field is not None
        folded = fold(text)
        for code, label in target.field.choices:
            if folded in (fold(code), fold(label)) or (folded and fold(label).startswith(folded)):
                return code
        mapped = self.mapping.value_code(target.name, text)
        if mapped is not None:
            return mapped
        allowed = ", ".join(label for _, label in target.field.choices)
        raise ValueError(f"{text!r} is not one of: {allowed}")

    def _code(self, target: Target, text: str) -> str:
        list_name = target.reference_list
        assert list_name is not None
        key = (target.name, text)
        if key in self._codes:
            known = self._codes[key]
            if known is not None:
                return known
        else:
            self._codes[key] = self._lookup(target, list_name, text)
        code = self._codes[key]
        if code is None:
            raise ValueError(
                f"{text!r} is not in the list; map it to a code, or add it as a new value"
            )
        return code

    def _lookup(self, target: Target, list_name: str, text: str) -> str | None:
        """The code of a source text: the mapping's, the list's own, or a suggestion."""
        mapped = self.mapping.value_code(target.name, text)
        if mapped is not None:
            return mapped
        stripped = text.strip()
        if self.catalog.has(list_name, stripped.upper()):
            return stripped.upper()
        if list_name == "units":
            code = unit_text_code(self.catalog, text)
        else:
            code = suggest_code(self.catalog, list_name, text)
        if code is not None:
            self.suggested.setdefault(target.name, {})[text] = code
        return code

    def _unit(self, text: str) -> str | None:
        if text not in self._units:
            self._units[text] = unit_text_code(self.catalog, text)
        return self._units[text]

    def _seizure(
        self, values: dict[str, Any], number: int, problems: list[RowProblem]
    ) -> tuple[SeizureDraft, list[FieldError]]:
        draft = SeizureDraft(status=values.get("status") or "final")
        for name in (
            "agency", "joint_agencies", "province", "district", "place", "transport_mode",
            "concealment", "installation", "producing_country", "departure_country",
            "transit_countries", "destination_country", "route_type", "arrests_nationals",
            "arrests_foreigners", "source_reference", "remarks",
        ):  # fmt: skip
            if name in values:
                setattr(draft, name, values[name])
        period = values.get("period")
        if values.get("event_date") is not None:
            draft.basis = "case"
            draft.event_date = values["event_date"]
        elif period is not None or values.get("period_start") is not None:
            draft.basis = "aggregate"
            if period is not None:
                draft.period_start, draft.period_end = period.start, period.end
            else:
                draft.period_start = values.get("period_start")
                draft.period_end = values.get("period_end")
        elif not any(p.column == self._column("event_date") for p in problems):
            problems.append(
                RowProblem(
                    number, self._column("event_date"), "Date of seizure or period is required"
                )
            )
        normalised(draft)
        quantity, unit_text = values.get("quantity") or (None, None)
        unit = values.get("unit")
        if unit is None and unit_text:
            unit = self._unit(unit_text)
            if unit is None:
                problems.append(
                    RowProblem(number, self._column("quantity"), f"Unit {unit_text!r} is not known")
                )
        draft.items = [SeizureItemDraft(values.get("drug"), quantity, unit)]
        return draft, validate_seizure(draft, self.catalog, self.today)

    def _training(
        self, values: dict[str, Any]
    ) -> tuple[TrainingDraft | RosterRow, list[FieldError]]:
        draft = TrainingDraft(status=values.get("status") or "final")
        for name in self.targets:
            if name in values and hasattr(draft, name) and name != "audience":
                setattr(draft, name, values[name])
        if draft.end_date is None:
            draft.end_date = draft.start_date
        if "training_status" not in values and draft.end_date is not None:
            draft.training_status = "completed" if draft.end_date <= self.today else "planned"
        if "full_name" in self.columns:
            return self._roster_row(draft, values)
        counted = {
            f"{count}_{suffix}": values.get(f"{count}_{suffix}")
            for count in ("enrolled", "completed")
            for _, suffix in _COUNTED_SEXES
        }
        if any(value is not None for value in counted.values()):
            draft.attendance_mode = "counts"
            done = draft.training_status == "completed"
            for sex, suffix in _COUNTED_SEXES:
                enrolled = counted[f"enrolled_{suffix}"] or 0
                completed = counted[f"completed_{suffix}"]
                if completed is None:
                    completed = enrolled if done else 0
                if enrolled or completed:
                    draft.counts.append(
                        AttendanceCountDraft(values.get("audience"), sex, enrolled, completed)
                    )
        return draft, validate_training(draft, self.catalog, self.today)

    def _roster_row(
        self, session: TrainingDraft, values: dict[str, Any]
    ) -> tuple[RosterRow, list[FieldError]]:
        session.attendance_mode = "roster"
        person = PersonDraft(status="final", sex=SEX_NOT_RECORDED)
        for name in ROSTER_FIELDS:
            if name in values:
                setattr(person, name, values[name])
        done = session.training_status == "completed"
        enrollment = EnrollmentDraft(audience=values.get("audience"))
        for name in ENROLLMENT_FIELDS:
            if name in values:
                setattr(enrollment, name, values[name])
        if enrollment.completion is None and done:
            enrollment.completion = "completed"
        errors = validate_training(session, self.catalog, self.today)
        errors += validate_person(person, self.catalog)
        checked = replace(enrollment, person_uuid="the person of this row")
        errors += validate_enrollment(checked, self.catalog, self.today)
        return RosterRow(session, person, enrollment), errors

    def _person(self, values: dict[str, Any]) -> tuple[PersonDraft, list[FieldError]]:
        draft = PersonDraft(status=values.get("status") or "final", sex=SEX_NOT_RECORDED)
        for name, value in values.items():
            setattr(draft, "unit" if name == "unit_person" else name, value)
        return draft, validate_person(draft, self.catalog)
