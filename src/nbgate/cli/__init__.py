"""Command-line faces of the steps; each subcommand lives in its own module."""
