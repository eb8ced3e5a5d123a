"""Plain functions that chain the steps: no Prefect, no argument parsing.

ingest -> coverage check -> snapshot -> predict -> select -> risk list -> publish, and training.
flows/ wraps these with @flow/@task; the CLI checks the arguments, builds the configuration
and calls either.
"""
