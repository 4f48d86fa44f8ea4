"""The People area: the directory of persons trained, a person's details, merging."""
