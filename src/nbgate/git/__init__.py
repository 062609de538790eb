"""Small, safe wrappers around the git CLI: URL checks, credentials env, runs with a timeout.

Nothing here imports anything heavy: the clone step runs in a minimal image.
"""
