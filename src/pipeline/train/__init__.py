"""Training: the tiny in-pipeline model and its pretraining, SFT and GRPO with TRL, models on disk."""
