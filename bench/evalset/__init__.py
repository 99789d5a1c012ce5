"""Evaluation set for the detection core: seeded synthetic clips with exact truth, plus annotated real footage."""
