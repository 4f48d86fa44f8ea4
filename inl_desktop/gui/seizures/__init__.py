"""The Seizures area: the list, its filters and totals, and the seizure form."""
