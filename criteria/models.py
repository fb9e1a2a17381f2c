"""Criteria catalogue and commune evaluations: built in the criteria issue."""
