#!/usr/bin/env bash
# Start a single-node SLURM cluster on this machine (Debian's slurm-wlm + munge), for testing the SLURM profile.
#
#   sudo bash tools/slurm/start_local_cluster.sh        # prints the partition name on its last line
#
# - Needs root (installs packages, writes /etc/slurm/slurm.conf, starts munged/slurmctld/slurmd as root).
# - Installs slurmctld, slurmd, slurm-client and munge with apt-get if they are missing.
# - Idempotent: if the controller answers and the node is usable, it does nothing.
# - No systemd: the daemons are started directly; no accounting DB (use `--slurm-status-command squeue`).
# - One node named `hostname -s`, CPUs=2, RealMemory as slurmd -C measures it, one partition PARTITION
#   (default "local"); ProctrackType=proctrack/linuxproc, TaskPlugin=task/none (no cgroups needed),
#   MinJobAge=600 so finished jobs stay visible to `scontrol show job` / squeue for 10 minutes.
# Environment: PARTITION (partition name, default local), SLURM_CONF_DIR (default /etc/slurm).
set -euo pipefail

PARTITION="${PARTITION:-local}"
CONF_DIR="${SLURM_CONF_DIR:-/etc/slurm}"
CONF="$CONF_DIR/slurm.conf"
NODE="$(hostname -s)"
STATE=/var/lib/slurm
LOGS=/var/log/slurm

log() { echo "[start_local_cluster] $*" >&2; }

if [[ "$(id -u)" != 0 ]]; then
    log "must run as root (installs packages and starts daemons)"
    exit 2
fi

node_state() { sinfo -h -n "$NODE" -o '%T' 2>/dev/null | head -n1 || true; }

cluster_up() {
    command -v scontrol >/dev/null 2>&1 && [[ -f "$CONF" ]] && scontrol ping 2>/dev/null | grep -q UP \
        && [[ "$(node_state)" =~ ^(idle|mixed|allocated|completing)$ ]]
}

if cluster_up; then
    log "cluster already up (node $NODE: $(node_state))"
    sinfo -h -o '%P' | head -n1 | tr -d '*'
    exit 0
fi

# 1. Packages.
missing=()
for bin in slurmctld slurmd sbatch munged; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
done
if ((${#missing[@]})); then
    log "installing slurm-wlm and munge (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; then
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
    fi
fi

# 2. munge (authentication between the SLURM commands and daemons).
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile=/etc/munge/munge.key
    else
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "starting munged"
    runuser -u munge -- /usr/sbin/munged --force
    for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
fi

# 3. slurm.conf (rewritten only when it differs, so a running controller is not confused).
mkdir -p "$CONF_DIR" "$STATE/slurmctld" "$STATE/slurmd" "$LOGS"
real_mem="$(slurmd -C 2>/dev/null | grep -o 'RealMemory=[0-9]*' | cut -d= -f2 || true)"
if [[ -z "$real_mem" ]]; then
    real_mem="$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
fi
tmp_conf="$(mktemp)"
cat >"$tmp_conf" <<EOF
# Written by tools/slurm/start_local_cluster.sh: a single-node test cluster (no accounting, no cgroups).
ClusterName=local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=60
SlurmdTimeout=120
InactiveLimit=0
KillWait=10
Waittime=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=2 RealMemory=$real_mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
restart=0
if ! cmp -s "$tmp_conf" "$CONF"; then
    cp "$tmp_conf" "$CONF"
    restart=1
fi
rm -f "$tmp_conf"

# 4. Daemons.
# running PIDFILE NAME: the pid file names a live process called NAME (a stale file from an earlier boot may
# name an unrelated process).
running() { [[ -f "$1" ]] && [[ "$(ps -p "$(cat "$1")" -o comm= 2>/dev/null)" == "$2" ]]; }
if ((restart)); then
    for daemon in slurmd slurmctld; do
        if running "/run/$daemon.pid" "$daemon"; then kill "$(cat "/run/$daemon.pid")"; sleep 1; fi
    done
fi
if ! running /run/slurmctld.pid slurmctld; then
    log "starting slurmctld"
    slurmctld -f "$CONF"
fi
for _ in $(seq 1 30); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 1; done
if ! running /run/slurmd.pid slurmd; then
    log "starting slurmd on $NODE (CPUs=2, RealMemory=$real_mem)"
    slurmd -f "$CONF"
fi

# 5. Wait until the node takes jobs (resume it if an earlier run left it down/drained).
for i in $(seq 1 60); do
    state="$(node_state)"
    case "$state" in
        idle* | mixed* | allocated* | completing*) break ;;
        down* | drain* | drained* | fail*)
            scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 1
    if ((i == 60)); then
        log "node $NODE did not become idle (state '$state'); see $LOGS/slurmctld.log and $LOGS/slurmd.log"
        exit 1
    fi
done
log "cluster up: partition $PARTITION, node $NODE ($(node_state))"
echo "$PARTITION"
