"""Evaluation of checkpoints on held-out target-language questions: generation and scoring."""
