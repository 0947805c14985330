"""Benchmarks of the assistant against Rasa's own starter bot (``make bench``); see docs/benchmarks.md.

Benchmarks report, they never pass or fail: no figure here is asserted in a test.
"""
