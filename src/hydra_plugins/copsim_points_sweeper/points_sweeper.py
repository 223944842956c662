"""A Hydra sweeper that launches a listed set of points rather than a grid.

Hydra's basic sweeper launches the cartesian product of comma lists. A probabilistic
sensitivity analysis needs points that are no grid (Latin hypercube draws, one-way ranges,
break-even values), so ``copsim psa`` lists them in a JSON file and runs
``copsim run -m hydra/sweeper=copsim_points hydra.sweeper.points=FILE ...``: the same
job and sweep folder as any copsim sweep (resumable, failures isolated), through whichever
launcher is chosen. Hydra discovers this module in the ``hydra_plugins`` namespace.

The file holds ``[{"label": ..., "overrides": {"name": value, ...}}, ...]``; each point
is launched with the command line's own overrides followed by its own.

``hydra.sweeper.varied=[key, ...]`` names keys the points vary that no-CoP twins and
burned-in states ignore (programme settings): the jobs then share those through the
sweep folder (:func:`copsim.sweep.job.swept_keys`), as a grid sweep over them does. Left
empty (a PSA's draws), each point's twin and burn-in are its own and none is published.
"""

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@dataclass
class PointsSweeperConf:
    """Config of the points sweeper (``hydra/sweeper=copsim_points``)."""

    _target_: str = "hydra_plugins.copsim_points_sweeper.points_sweeper.PointsSweeper"
    points: str = ""
    max_batch_size: int | None = None
    varied: list[str] = field(default_factory=list)


ConfigStore.instance().store(
    group="hydra/sweeper", name="copsim_points", node=PointsSweeperConf, provider="copsim"
)


def read_points(path: str | Path) -> list[dict[str, Any]]:
    """The points listed in a points file."""
    return json.loads(Path(path).read_text())


def point_overrides(point: dict[str, Any]) -> list[str]:
    """A point's overrides as Hydra strings (floats in full precision)."""
    return [f"{k}={v!r}" for k, v in point["overrides"].items()]


class PointsSweeper(Sweeper):
    """Launch each listed point once, in batches, through the configured launcher.

    Args:
        points: Path of the points file.
        max_batch_size: Jobs handed to the launcher at a time (default: all).
        varied: Keys the points vary whose twins and burn-ins the jobs share (see above).
    """

    def __init__(
        self, points: str, max_batch_size: int | None = None, varied: list[str] | None = None
    ) -> None:
        super().__init__()
        self.varied = list(varied or [])
        self.points = points
        self.max_batch_size = max_batch_size
        self.config: DictConfig | None = None
        self.launcher: Launcher | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Instantiate the launcher, as Hydra's own sweepers do."""
        from hydra.core.plugins import Plugins

        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> list[list[JobReturn]]:
        """Launch every point with the command line's overrides, batch by batch."""
        assert self.config is not None and self.launcher is not None
        if not self.points:
            raise ValueError("hydra.sweeper.points: give the points file")
        jobs = [[*arguments, *point_overrides(p)] for p in read_points(self.points)]
        sweep_dir = Path(self.config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        size = self.max_batch_size or len(jobs) or 1
        returns = []
        for start in range(0, len(jobs), size):
            batch = jobs[start : start + size]
            results = self.launcher.launch(batch, initial_job_idx=start)
            for r in results:
                _ = r.return_value  # raises if a job failed outside copsim's own handling
            returns.append(list(results))
        return returns
