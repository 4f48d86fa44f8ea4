"""Merging the records of exchange workbooks into this database, by UUID and revision.

``run`` holds what every kind shares (a workbook's transaction, the decisions, the
change log and conflicts), ``rows`` the checks every sheet row gets, ``ownership``
the check that a workbook touches only its own post's records, and ``seizures``,
``trainings``, ``persons`` and ``tombstones`` one kind of record each.
``services.consolidate`` puts them together.
"""
