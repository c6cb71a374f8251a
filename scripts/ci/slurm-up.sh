#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm executor's tests: munge, slurmctld and slurmd, one
# node named after this host with its real CPU count and memory, one partition "debug" (default), and a fake
# "gpu" GRES (two stand-in device files, no real GPU) so that --gres=gpu:K submissions are accepted. Accounting is left out (no
# slurmdbd): sacct is unavailable, so the product reads job states from `scontrol show job` (see README,
# "Running on Slurm").
#
# Idempotent: installs slurm-wlm and munge when missing, rewrites the configuration, (re)starts the daemons only
# when they are not running or the configuration changed, then waits until the node accepts jobs. Run as root.
# Debian 12 (slurm 22.05). Stop everything with scripts/ci/slurm-down.sh.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-up: run as root (it installs packages and starts daemons)" >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends slurm-wlm munge
fi

node="$(hostname -s)"
# slurmctld finds itself by resolving the controller's name; a fresh container may not list its own.
getent hosts "${node}" >/dev/null 2>&1 || echo "127.0.0.1 ${node}" >>/etc/hosts
cpus="$(nproc)"
# slurmd refuses a node whose configured memory exceeds what it finds; leave 5 % for the system.
memory_mib="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)"

# munge: every Slurm message is signed with this key.
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 700 /etc/munge
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/lib/munge /var/log/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

# Two stand-in GPU device files (copies of /dev/null) for the gpu GRES; without them, no GRES at all.
gres_line=""
gres_conf=""
for i in 0 1; do
  [ -e "/dev/pmalab-gpu${i}" ] || mknod "/dev/pmalab-gpu${i}" c 1 3 2>/dev/null || true
done
if [ -c /dev/pmalab-gpu0 ] && [ -c /dev/pmalab-gpu1 ]; then
  gres_line=" Gres=gpu:2"
  gres_conf="NodeName=${node} Name=gpu File=/dev/pmalab-gpu[0-1]"
fi

install -d -m 755 /etc/slurm /var/log/slurm
install -d -m 700 /var/spool/slurmctld /var/spool/slurmd

config="$(cat <<EOF
# Written by scripts/ci/slurm-up.sh: a single-node test cluster.
ClusterName=pmalab
SlurmctldHost=${node}
AuthType=auth/munge
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes; SIGKILL follows SIGTERM after 5 s.
MinJobAge=600
KillWait=5
# A job that does not say how much memory it needs gets 512 MiB per CPU, not the whole node.
DefMemPerCPU=512
SchedulerParameters=batch_sched_delay=0,sched_min_interval=100000
GresTypes=gpu
NodeName=${node} CPUs=${cpus} RealMemory=${memory_mib}${gres_line} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOF
)"
gres="${gres_conf}"

changed=0
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "${config}" ]; then
  printf '%s\n' "${config}" >/etc/slurm/slurm.conf
  changed=1
fi
if [ "$(cat /etc/slurm/gres.conf 2>/dev/null)" != "${gres}" ]; then
  printf '%s\n' "${gres}" >/etc/slurm/gres.conf
  changed=1
fi
if [ ! -f /etc/slurm/cgroup.conf ]; then
  printf 'CgroupPlugin=autodetect\n' >/etc/slurm/cgroup.conf
fi

running() { pgrep -x "$1" >/dev/null 2>&1; }
stop() {
  local pid
  pid="$(pgrep -x "$1" || true)"
  [ -n "${pid}" ] || return 0
  kill ${pid} 2>/dev/null || true
  for _ in $(seq 100); do
    pgrep -x "$1" >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  kill -KILL ${pid} 2>/dev/null || true
}

if [ "${changed}" -eq 1 ]; then
  stop slurmd
  stop slurmctld
fi
running slurmctld || /usr/sbin/slurmctld
running slurmd || /usr/sbin/slurmd

# Ready when the controller answers and the node is idle (or already running jobs).
for i in $(seq 120); do
  if scontrol ping 2>/dev/null | grep -q UP; then
    state="$(sinfo -h -n "${node}" -o %T 2>/dev/null | head -1)"
    case "${state}" in
      idle|mixed|allocated|completing) echo "slurm-up: node ${node} (${cpus} CPUs, ${memory_mib} MiB) is ${state}"; exit 0 ;;
      down*|drain*|*fail*) scontrol update nodename="${node}" state=resume >/dev/null 2>&1 || true ;;
    esac
  fi
  sleep 0.5
  if [ "${i}" -eq 120 ]; then
    echo "slurm-up: the cluster did not come up; last lines of the logs:" >&2
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    exit 1
  fi
done
