"""The comparison workflow, internal: ``compare()`` (``comparison``) runs the candidates
(``candidates``), each one's label audit (``comparison_audit``) and the step log
(``steps``); ``plan`` previews it for ``--dry-run``; ``leaderboard``, ``highlight``,
``projection`` and ``report`` turn the scores into the report directory.

``compare`` and ``Comparison`` are public from ``embedlab``.
"""
