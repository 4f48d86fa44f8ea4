"""Allow ``python -m inl_desktop``."""

from inl_desktop.cli import main

raise SystemExit(main())
