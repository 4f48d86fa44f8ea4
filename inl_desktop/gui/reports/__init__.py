"""The Overview, Dashboard and Report areas."""
