#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine, without systemd, for the Slurm
# integration test (tests/slurm.rs) and for developers: munged, slurmctld and slurmd, one
# node (this host, all its CPUs) in one partition named "debug". Installs slurm-wlm and munge
# from Debian when they are missing (needs root). Stop it with tests/slurm/stop-cluster.sh.
#
# Everything the daemons write goes under $MODELBENCH_SLURM_DIR (default /tmp/modelbench-slurm);
# the config goes to /etc/slurm/slurm.conf unless one is there that this script did not write.
set -euo pipefail

STATE=${MODELBENCH_SLURM_DIR:-/tmp/modelbench-slurm}
MARK="# written by modelbench tests/slurm/start-cluster.sh"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    echo "== installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

if timeout 3 sinfo >/dev/null 2>&1; then
    echo "== a Slurm cluster already answers; leaving it as it is"
    sinfo
    exit 0
fi

mkdir -p "$STATE"/{state,spool,log,run}

echo "== munge"
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- munged
    for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n | unmunge >/dev/null

echo "== slurm.conf"
HOST=$(hostname -s)
CPUS=$(nproc)
# Leave a little memory to the system; jobs ask for --mem against this.
MEM_MB=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
CONF=/etc/slurm/slurm.conf
mkdir -p /etc/slurm
if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    echo "$CONF exists and was not written by this script; not touching it" >&2
    exit 1
fi
cat > "$CONF" <<CONF
$MARK
ClusterName=modelbench
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=1001
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

echo "== slurmctld and slurmd"
slurmctld -i
slurmd
for _ in $(seq 100); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        sinfo
        exit 0
    fi
    sleep 0.2
done
echo "the cluster did not come up; logs in $STATE/log" >&2
tail -n 20 "$STATE"/log/*.log >&2 || true
exit 1
