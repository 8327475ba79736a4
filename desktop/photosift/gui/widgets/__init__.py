"""Small reusable widgets the panels are built from (no core access of their own)."""
