"""The points sweeper of copsim for Hydra (see points_sweeper.py)."""
