#!/usr/bin/env bash
# Stops the single-node test cluster that scripts/ci/slurm-up.sh started (slurmd, slurmctld; munge stays up).
set -euo pipefail
for daemon in slurmd slurmctld; do
  pid="$(pgrep -x "${daemon}" || true)"
  [ -n "${pid}" ] || continue
  kill ${pid} 2>/dev/null || true
  for _ in $(seq 100); do
    pgrep -x "${daemon}" >/dev/null 2>&1 || break
    sleep 0.1
  done
done
echo "slurm-down: stopped"
