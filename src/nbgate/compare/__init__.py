"""Golden comparison: an executed notebook against its golden, tolerant where runs vary.

Entry points: :func:`nbgate.steps.compare.compare` (typed step), ``nbgate compare EXECUTED
GOLDEN`` (CLI), :func:`nbgate.compare.render.render_text` (the readable terminal diff).

How two notebooks are compared
------------------------------
* **Cells** are aligned by cell id when both sides carry ids, else by position anchored on
  cell sources (a bounded look-ahead, never an LCS over the notebook). Only code cells count;
  papermill's ``injected-parameters`` cell and error banners are ignored, and so is volatile
  metadata (execution counts, timings, widget ids). An extra or missing cell is reported as
  ``inserted`` / ``removed``, never as a cascade of shifted mismatches.
* **Streams** are merged per name with ``\\r`` and ``\\b`` applied; stderr is ignored unless
  ``ignoreStderr: false``.
* **Text** (``text/plain``, streams, error values…): numbers are extracted (integers, floats,
  scientific, ``nan``, ``inf``, complex, numpy reprs across line wraps) and compared with
  ``|actual - golden| <= atol + rtol * |golden|``, never by rounding; the rest after sanitizers.
* **HTML tables** (pandas DataFrames, Stylers) are compared cell-wise: column names, shape,
  index, values with tolerance. Other HTML and SVG are compared as normalized markup (ids
  renamed, metadata dropped). **Images** (PNG, JPEG) on decoded pixels with block averaging
  (see :mod:`nbgate.compare.images`). **JSON** (``application/json``, ``*+json``) with deepdiff
  and tolerance. **Errors** by ``ename`` and ``evalue`` in cells tagged ``raises-exception``;
  an error anywhere else is a mismatch.

Defaults (``spec.compare``) and why: see :mod:`nbgate.compare.options`.

Pin key results with scrapbook scraps (recommended)
---------------------------------------------------
``scrapbook.glue("accuracy", acc)`` records a value in the notebook's outputs. nbgate compares
scraps by name and type, numbers with tolerance (per scrap: ``compare.scraps.accuracy.rtol``),
DataFrames by columns, index and values; a missing scrap, or one the golden does not have, is a
mismatch. Unlike printed output, a scrap does not change when formatting does: it is the most
robust way to pin what a notebook must produce.

Control
-------
Per notebook: ``metadata.nbgate.compare`` (same fields as ``spec.compare``) overrides the spec.
Per cell: tags ``nbgate-skip-compare``, ``nbgate-tolerance=RTOL[:ATOL]``, ``nbgate-rtol=``,
``nbgate-atol=``; nbval's tags and ``# NBVAL_…`` comment markers and lax mode mean what they
mean in nbval (:mod:`nbgate.compare.controls`); nbval sanitize files are read as nbval reads them.

Updating a golden
-----------------
``nbgate compare EXECUTED GOLDEN --update-golden`` prints the diff, then rewrites GOLDEN from
EXECUTED, only when EXECUTED ran completely without unexpected errors, with volatile
metadata stripped (:mod:`nbgate.compare.golden`); a missing GOLDEN is created.
"""
