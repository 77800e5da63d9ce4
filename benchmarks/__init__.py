"""Benchmarks of stance, run side by side with their peers (``python benchmarks/NAME.py``)."""
