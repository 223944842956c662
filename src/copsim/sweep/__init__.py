"""Sweeps (``copsim run -m``): the job of each point, the store of finished runs, progress.

- :mod:`~copsim.sweep.job`: what one Hydra job runs, and the sweep's callback.
- :mod:`~copsim.sweep.store`: the sweep folder, its run files, twins and tables.
- :mod:`~copsim.sweep.progress`: jobs done, total and time left.
"""
