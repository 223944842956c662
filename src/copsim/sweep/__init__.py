"""Sweeps (``copsim run -m``): the job of each point, the store of finished runs, progress.

- :mod:`~copsim.sweep.job`: what one Hydra job runs: its point over its replicates.
- :mod:`~copsim.sweep.store`: the sweep folder, its run files and tables.
- :mod:`~copsim.sweep.twins`: no-CoP twins shared by every job and process.
- :mod:`~copsim.sweep.progress`: jobs done, total and time left.
- :mod:`~copsim.sweep.collect`: the end of a sweep: tables, verdict, exit status.
"""
