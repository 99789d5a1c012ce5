"""Operator duty rules: the pure evaluator and the versioned rule set in force (readable from every layer above)."""
