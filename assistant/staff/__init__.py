"""Command-line tools for the people who own the content: the content check, the sign-off report and
the insights report (and what they need: report pages, the pronouncing dictionary).
"""
