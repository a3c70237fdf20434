"""The children's records pages (being built)."""
