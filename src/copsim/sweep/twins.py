"""No-CoP twins shared by every job and process of a sweep (``twins/<hash>.json``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copsim.files import ChecksumError, locked, report_bad, seal, unseal, write_json
from copsim.runs.provenance import config_hash

if TYPE_CHECKING:
    from copsim.runs.outputs import TwinOutcome


class TwinCache:
    """No-CoP twin outcomes in the sweep folder, each computed once across processes.

    A twin is keyed by the hash of its configuration (seed included). A process that
    needs a missing twin takes a lock on that twin, computes it, publishes it and lets go;
    another process wanting the same twin meanwhile waits for it instead of recomputing.
    Outcomes round-trip exactly through JSON (Python floats print in full precision), so a
    run's summary is the same whether its twin came from here or was computed. Each file
    carries the SHA-256 of its content: one altered since (valid JSON with other numbers)
    is moved aside and the twin computed again.

    Args:
        folder: The ``twins/`` folder of a sweep.
        publish: Whether to publish the twins this process computes. A sweep whose points
            differ in no parameter a twin ignores (a sweep over seeds, or over sites) never
            needs a twin twice, so its jobs only read.
    """

    def __init__(self, folder: Path, publish: bool = True):
        self.folder = folder
        self.publish = publish
        self.computed = 0
        self.reused = 0

    def _path(self, values: Mapping[str, Any]) -> Path:
        return self.folder / f"{config_hash(values)}.json"

    def _read(self, path: Path) -> TwinOutcome | None:
        from copsim.model.mechanisms.economics import Ledger
        from copsim.runs.outputs import TwinOutcome

        try:
            data = unseal(json.loads(path.read_text()))
            # A record without accounts predates the appraisal: computed again.
            return TwinOutcome(
                Ledger(**data["ledger"]),
                data["crisis_events"],
                data["leavers"],
                data.get("means", {}),
                data["accounts"],
            )
        except FileNotFoundError:
            return None
        except ChecksumError as err:
            report_bad(path, f"is not a trusted twin record: it {err}", "computed again")
            return None
        except (ValueError, KeyError, TypeError) as err:  # cut short or not a twin record
            report_bad(path, f"is not a whole twin record ({type(err).__name__})", "computed again")
            return None

    def has(self, values: Mapping[str, Any]) -> bool:
        """Whether the twin of ``values`` is published already (its file exists)."""
        return self._path(values).exists()

    def put(self, values: Mapping[str, Any], outcome: TwinOutcome, computed: bool = False) -> None:
        """Publish a twin outcome (a no-CoP run computed anyway is its own twin).

        Args:
            values: The twin's configuration.
            outcome: Its outcome.
            computed: Whether it was computed as a twin (counted in :attr:`computed`).
        """
        path = self._path(values)
        if self.publish and not path.exists():
            write_json(path, _twin_record(outcome))
        self.computed += computed

    def fetch(self, values: Mapping[str, Any], compute: Callable[[], TwinOutcome]) -> TwinOutcome:
        """The twin of ``values``: from the folder, or computed (and published, if it publishes)."""
        path = self._path(values)
        found = self._read(path)
        if found is None and not self.publish:
            self.computed += 1
            return compute()
        if found is None:
            with locked(path):
                found = self._read(path)  # another process may have published it meanwhile
                if found is None:
                    found = compute()
                    write_json(path, _twin_record(found))
                    # Safe under the lock: whoever opens a new lock file re-reads first.
                    path.with_suffix(".lock").unlink(missing_ok=True)
                    self.computed += 1
                    return found
        self.reused += 1
        return found


def _twin_record(outcome: TwinOutcome) -> dict[str, Any]:
    return seal(
        {
            "ledger": {k: float(v) for k, v in vars(outcome.ledger).items()},
            "crisis_events": int(outcome.crisis_events),
            "leavers": int(outcome.leavers),
            "means": {k: float(v) for k, v in outcome.means.items()},
            "accounts": {k: float(v) for k, v in outcome.accounts.items()},
        }
    )
