#!/usr/bin/env bash
# Stops the daemons that tests/slurm/start-cluster.sh started (by the process ids in their pid
# files), and the munged it started. Leaves the installed packages and the config in place.
set -uo pipefail

STATE=${MODELBENCH_SLURM_DIR:-/tmp/modelbench-slurm}
for name in slurmd slurmctld; do
    pidfile="$STATE/run/$name.pid"
    if [ -s "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null && echo "stopped $name ($pid)"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$pidfile"
    fi
done
if [ -s /run/munge/munged.pid ]; then
    pid=$(cat /run/munge/munged.pid)
    kill "$pid" 2>/dev/null && echo "stopped munged ($pid)"
fi
exit 0
