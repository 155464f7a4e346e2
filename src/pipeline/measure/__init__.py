"""Measurement: answer checking, chain-of-thought language composition and the GRPO rewards built on them."""
