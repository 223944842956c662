"""An Optuna study whose trials are batches of points run through the sweep machinery.

``copsim plan`` and ``copsim calibrate`` (its Optuna form) search with a current Optuna,
driven directly by ask and tell. Each round asks for a batch of trials, turns every
trial into sweep points (a trial's configuration, over its replicates), runs them all as
one ``copsim run -m hydra/sweeper=copsim_points`` into the folder's ``sweep/`` (the same
Hydra job as any sweep, on any launcher), scores each trial from its runs and tells the
study. The folder holds::

    study.journal   the Optuna study (its journal file storage): every trial asked and told
    study.json      what the search is (its space, base overrides, replicates)
    points.json     the points of the latest batch
    sweep/          the sweep folder of every batch: finished runs, shared twins, burn-ins

Resuming is the same command into the same folder: trials told are never asked again, a
trial asked but not told (the batch was killed) is evaluated with the values it was given
and finished runs are never redone (the sweep store skips them). Each batch's sampler is
seeded by the study's seed and the number of trials before it, so a resumed search asks
what an uninterrupted one would have.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.errors import UsageError

if TYPE_CHECKING:
    import optuna
    import pandas as pd

    from copsim.analysis.psa import Point

JOURNAL = "study.journal"
"""The study's journal file, in the output folder."""

IDENTITY = "study.json"
"""What the folder's search is (its space and settings), to refuse resuming another."""

STUDY_NAME = "copsim"
"""The study's name inside its journal (one study a folder)."""


@dataclass(frozen=True)
class Scored:
    """What a trial's runs come to.

    Attributes:
        values: The objectives, in the study's directions' order.
        attrs: Anything else worth keeping with the trial (JSON values), e.g. intervals.
        constraints: Constraint values by name (0 or below: met), for a sampler that
            honours them.
    """

    values: tuple[float, ...]
    attrs: dict[str, Any]
    constraints: dict[str, float] = field(default_factory=dict)


@dataclass
class BatchStudy:
    """A study run batch by batch through the sweep.

    Attributes:
        folder: The output folder (``study.journal``, ``points.json``, ``sweep/``).
        directions: ``minimize`` or ``maximize``, one per objective.
        distributions: The search space, by parameter name.
        sampler: A new sampler from a seed (each batch gets its own, seeded as said above).
        points: A trial's sweep points, from its number and values.
        score: A trial's score, from the trial and its points' runs (one row a run,
            ``label`` its point's).
        replicates: Seeds a point runs over (``replicates=`` of the sweep).
        base_overrides: Model overrides of every point.
        hydra_overrides: Launcher items (``hydra/launcher=joblib`` ...).
        varied: The keys the points vary that a no-CoP twin or a burn-in ignores (the
            points sweeper then shares twins and burned-in states between points).
        seed: The study's seed.
        label: A progress bar's label over the trials (on a terminal; none if empty).
        identity: What makes two runs one search (the search space, the points' settings),
            kept in ``study.json``: a folder holding another search is not resumed.
    """

    folder: Path
    directions: Sequence[str]
    distributions: dict[str, Any]
    sampler: Callable[[int], optuna.samplers.BaseSampler]
    points: Callable[[int, dict[str, Any]], list[Point]]
    score: Callable[[optuna.trial.FrozenTrial, pd.DataFrame], Scored]
    replicates: int = 1
    base_overrides: Sequence[str] = ()
    hydra_overrides: Sequence[str] = ()
    varied: Sequence[str] = ()
    seed: int = 0
    label: str = ""
    identity: dict[str, Any] = field(default_factory=dict)

    def storage(self) -> optuna.storages.BaseStorage:
        """The journal file storage (a torn last line from a kill is cut off first)."""
        import optuna
        from optuna.storages.journal import JournalFileBackend

        path = self.folder / JOURNAL
        repair_journal(path)
        return optuna.storages.JournalStorage(JournalFileBackend(str(path)))

    def load(self, storage: optuna.storages.BaseStorage, seed: int) -> optuna.Study:
        """The study, created if new, with a sampler of ``seed``."""
        import optuna

        return optuna.create_study(
            storage=storage,
            study_name=STUDY_NAME,
            directions=list(self.directions),
            sampler=self.sampler(seed),
            load_if_exists=True,
        )

    def claim(self) -> None:
        """Keep the search's identity in ``study.json``, or check it is the one there.

        Raises:
            UsageError: If the folder holds another search (its trials would be mixed in).
        """
        import json

        from copsim.files import write_json

        path = self.folder / IDENTITY
        mine = json.loads(json.dumps(self.identity, default=str))
        if path.is_file():
            theirs = json.loads(path.read_text())
            if theirs != mine:
                key = next(k for k in sorted({*theirs, *mine}) if theirs.get(k) != mine.get(k))
                raise UsageError(
                    f"{self.folder} holds another search ({key}: {theirs.get(key)!r} there, "
                    f"{mine.get(key)!r} now) (allowed for --out: a new or empty folder, or "
                    "this same search's, to resume)"
                )
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_json(path, mine)

    def run(self, trials: int, batch: int) -> optuna.Study:
        """Run (or resume) the search until ``trials`` trials are complete.

        Args:
            trials: Trials to complete in all (those of an earlier, killed, run count).
            batch: Trials asked at a time (one sweep each).

        Returns:
            The study.
        """
        import optuna
        from optuna.trial import TrialState

        from copsim.progress import Bar

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.claim()
        storage = self.storage()
        bar = Bar(trials, self.label, unit="trials") if self.label else None
        while True:
            study = self.load(storage, self.seed)
            done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if bar is not None and bar.enabled:  # a line a batch: each sweep draws its own
                bar.done = min(len(done), trials)
                bar.draw(force=True)
                bar.stream.write("\n")
            pending = []
            for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
                if set(t.params) == set(self.distributions):
                    pending.append(t)
                else:  # killed while its values were being asked: ask again
                    study.tell(t.number, state=TrialState.FAIL)
            if not pending:
                wanted = min(batch, trials - len(done))
                if wanted <= 0:
                    return study
                # Seeded by the trials asked whole before it, as an uninterrupted run was.
                asked = [t for t in study.trials if t.state != TrialState.FAIL]
                study = self.load(storage, self.seed + len(asked))
                for _ in range(wanted):
                    t = study.ask(self.distributions)
                    pending.append(storage.get_trial(t._trial_id))
            self.evaluate(study, pending)

    def evaluate(
        self,
        study: optuna.Study,
        trials: list[optuna.trial.FrozenTrial],
    ) -> None:
        """Run the trials' points as one sweep, score each trial and tell the study."""
        import optuna
        from hydra.core.global_hydra import GlobalHydra

        from copsim.analysis.psa import labelled_runs, sweep_args, write_points
        from copsim.config import run_hydra
        from copsim.sweep.job import run_job

        by_trial = {t.number: self.points(t.number, dict(t.params)) for t in trials}
        points = [p for ps in by_trial.values() for p in ps]
        write_points(points, self.folder / "points.json")
        hydra = [*self.hydra_overrides]
        if self.varied:
            hydra.append(f"hydra.sweeper.varied=[{','.join(self.varied)}]")
        GlobalHydra.instance().clear()
        run_hydra(
            "config", run_job, sweep_args(self.folder, self.replicates, self.base_overrides, hydra)
        )
        runs = labelled_runs(self.folder / "sweep", points, self.base_overrides)
        for t in trials:
            labels = {p.label for p in by_trial[t.number]}
            mine = runs[runs["label"].isin(labels)] if len(runs) else runs
            scored = self.score(t, mine)
            live = optuna.Trial(study, t._trial_id)
            for key, value in scored.attrs.items():
                live.set_user_attr(key, value)
            for key, value in scored.constraints.items():  # before tell: samplers read them
                live.set_constraint(key, value)
            study.tell(live, list(scored.values))


def repair_journal(path: Path) -> None:
    """Cut a journal's torn last line (a write killed half way), so appends stay lines."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    data = path.read_bytes()
    if data.endswith(b"\n"):
        return
    keep = data.rfind(b"\n") + 1
    with open(path, "r+b") as f:
        f.truncate(keep)
        f.flush()
        os.fsync(f.fileno())


def trials_table(study: optuna.Study) -> pd.DataFrame:
    """Every complete trial: its number, values (``value_0`` ...), parameters, attributes."""
    import pandas as pd
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        values = {f"value_{i}": v for i, v in enumerate(t.values)}
        rows.append({"trial": t.number, **values, **t.params, **t.user_attrs})
    return pd.DataFrame(rows)
