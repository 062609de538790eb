"""Notebook → train → serve: export a validated notebook's training code, train it, serve the
model on KServe as a canary, probe it and promote or roll back (issue 10).

Kept import-light: the CLI imports submodules only when a promote subcommand runs.
"""
