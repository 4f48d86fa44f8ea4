"""INL Desktop: record INL trainings and drug seizures offline, exchange them with HQ."""

__version__ = "0.1.0"
