"""Duty rules at work: the compliance record, the hooks of shift actions and the live evaluation."""
