"""Running one configuration and keeping what it produced.

- :mod:`~copsim.runs.runner`: a run and its no-CoP twin (:func:`copsim.run`).
- :mod:`~copsim.runs.outputs`: the summaries made from what a run recorded (the run's,
  its twin's outcome, each locality's and agency's), declared once.
- :mod:`~copsim.runs.appraisal`: value for money against the twin (price year, discounting,
  perspective).
- :mod:`~copsim.runs.folder`: a run folder's files, written atomically.
- :mod:`~copsim.runs.provenance`: versions, commit and configuration hash of a run.
- :mod:`~copsim.runs.plotting`: the run's overview figure.
"""
