"""Use cases: each opens and commits its own transaction; no Qt."""
