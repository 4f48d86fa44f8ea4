"""The database schema as typed SQLAlchemy models.

Top-level records (seizure events, training sessions, persons) carry the record
columns: UUID, post, revision, created/updated time and author, status and soft
delete. Their parts (drug items, enrollments, attendance counts) carry their own
UUID and travel with their parent: the parent's revision, status and deletion
cover them, and the parent's change log records their changes.

Column names are the field names of ``domain.fields``; tests/store/test_models_fields.py
checks that every field has a column of its kind and every other column is known.
"""

from dataclasses import dataclass

from inl_desktop.store.models.base import NAMING_CONVENTION, Base, RecordColumns, deleted_index
from inl_desktop.store.models.history import (
    ChangeLogEntry,
    ExportRecord,
    ImportedRow,
    MergeConflict,
)
from inl_desktop.store.models.post import (
    AppSetting,
    ImportSpelling,
    PostIdentity,
    PostKey,
    ReferenceItem,
    User,
)
from inl_desktop.store.models.seizures import (
    SeizureEvent,
    SeizureItem,
    SeizureJointAgency,
    SeizureTransitCountry,
)
from inl_desktop.store.models.summaries import (
    SeizureTotal,
    TraineeAlike,
    TraineePerson,
    TraineeTotal,
)
from inl_desktop.store.models.trainings import (
    AttendanceCount,
    Enrollment,
    Person,
    TrainingSession,
)

# The model of each record kind of ``domain.fields`` (its ``RecordDef.kind``).
RECORD_MODELS: dict[str, type[Base]] = {
    "seizure": SeizureEvent,
    "seizure_item": SeizureItem,
    "training": TrainingSession,
    "person": Person,
    "enrollment": Enrollment,
    "attendance_count": AttendanceCount,
}


@dataclass(frozen=True)
class CodesTable:
    """Where a multi-code field (``FieldType.CODES``) lives: a table of one row per code,
    in the order of its ``position``; ``code`` names the code's column and ``owner`` the
    column of the record's id."""

    model: type[Base]
    code: str
    owner: str


# (record kind, field name) -> the table of the field's codes.
CODES_TABLES: dict[tuple[str, str], CodesTable] = {
    ("seizure", "joint_agencies"): CodesTable(SeizureJointAgency, "agency", "event_id"),
    ("seizure", "transit_countries"): CodesTable(SeizureTransitCountry, "country", "event_id"),
}

__all__ = [
    "CODES_TABLES",
    "NAMING_CONVENTION",
    "RECORD_MODELS",
    "AppSetting",
    "AttendanceCount",
    "Base",
    "ChangeLogEntry",
    "CodesTable",
    "Enrollment",
    "ExportRecord",
    "ImportSpelling",
    "ImportedRow",
    "MergeConflict",
    "Person",
    "PostIdentity",
    "PostKey",
    "RecordColumns",
    "ReferenceItem",
    "SeizureEvent",
    "SeizureItem",
    "SeizureJointAgency",
    "SeizureTotal",
    "SeizureTransitCountry",
    "TraineeAlike",
    "TraineePerson",
    "TraineeTotal",
    "TrainingSession",
    "User",
    "deleted_index",
]
