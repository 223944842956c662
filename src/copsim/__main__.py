"""``python -m copsim`` runs the ``copsim`` command."""

from copsim.cli import main

main()
