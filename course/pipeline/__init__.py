"""The grading pipeline on the instructor's side. A submission is one record
(``submission``: ``Submission``, ``Settings``, ``CannotGrade`` and the ledger file) that the
stages fill in: ``intake`` (take submissions in), ``prepare`` (the transformations before a
run), ``execute`` (run one submission, cell by cell, with the judge deciding the checks) in
its ``sandbox`` under ``limits``, ``record`` (nbgrader records the scores), ``scan``
(suspicious code, outside the kernel); ``autograde`` orchestrates them for a class. ``notes``
words what happened in Russian; ``report`` (the class report) only reads the records.
``preprocessors`` are the course's nbgrader preprocessors, configured in nbgrader_config.py.
"""
