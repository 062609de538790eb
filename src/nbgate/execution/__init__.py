"""The pieces the ``execute`` step is built from (``nbgate.steps.execute`` puts them together).

Each module is one concept: the request and progress events, the kernel's life cycle, the
deadline watchdog, memory sampling, the papermill execution manager, outcome classification
and ANSI stripping. Nothing here imports papermill, nbclient or jupyter_client at module
level except ``manager`` (imported only once a kernel is booting): start-up time counts.
"""
