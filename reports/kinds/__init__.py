"""The kinds of document the portal drafts and issues, one module each family (registry.py)."""
