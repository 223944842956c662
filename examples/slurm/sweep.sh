#!/usr/bin/env bash
# A copsim sweep on a Slurm cluster, started from the login node (docs/cluster.md).
#
#   bash sweep.sh           submit the sweep, wait for it, collect the tables
#   bash sweep.sh collect   collect what has finished so far (the tasks may still run)
#   bash sweep.sh check     print the launcher settings Slurm would get; submits nothing
#
# Run it inside tmux or screen: the command submits one Slurm array (a task per sweep point),
# waits for it using next to no CPU, and writes summary.parquet and weekly.parquet at the end.
# It needs no allocation of its own, which is why this is a script for the login node and
# not a batch job: the work is in the array tasks, with the resources set below.
#
# Pre-empted, timed out, or the login session lost? Let the old tasks end (`squeue --me`) or
# cancel them (`scancel`), then run this script again, unchanged: every run already in the
# sweep folder is skipped and only the rest is computed.
set -euo pipefail

# On storage that the login node and the compute nodes share: the tasks write their runs
# straight into it, and the collect reads them there.
SWEEP_DIR=${SWEEP_DIR:-/shared/$USER/copsim/sweeps/brokerage}
# The environment copsim is installed in, on shared storage too: each task runs the same
# Python interpreter as this command (submitit records its path).
VENV=${VENV:-$HOME/copsim/.venv}
# Your site's partition (and, if it bills by account, add hydra.launcher.account=NAME below).
PARTITION=${PARTITION:-compute}

# Where and how each task runs: conf/hydra/launcher/cluster_slurm.yaml, with these changes.
# A task runs its point's replicates one after another on one core, about 0.2 s a run for
# the default 156 weeks: 50 replicates take well under a minute, so 30 minutes is ample
# and lets the tasks into short, quickly scheduled slots.
LAUNCHER=(
  hydra/launcher=cluster_slurm
  hydra.launcher.partition="$PARTITION"
  hydra.launcher.timeout_min=30
  hydra.launcher.cpus_per_task=1
  hydra.launcher.mem_gb=2
  # Tasks running at once: keep within your fair share.
  hydra.launcher.array_parallelism=100
)
# The sweep: 4 x 3 points, 50 seeds each (common random numbers across the points).
SWEEP=(
  brokerage.hours_per_week=0,2,5,10
  site.joint_working_history=0.2,0.5,0.8
  replicates=50
)

# shellcheck source=/dev/null
source "$VENV/bin/activate"

case "${1:-run}" in
  run) copsim run -m "${LAUNCHER[@]}" "${SWEEP[@]}" hydra.sweep.dir="$SWEEP_DIR" ;;
  collect) copsim collect "$SWEEP_DIR" ;;
  check) copsim run "${LAUNCHER[@]}" --cfg hydra -p hydra.launcher ;;
  *)
    echo "usage: bash sweep.sh [run | collect | check]" >&2
    exit 2
    ;;
esac
