"""The Trainings area: the sessions list, its totals, and the session form with its roster."""
