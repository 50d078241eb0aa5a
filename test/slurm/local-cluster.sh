#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for the tests of --executor slurm.
#
#   test/slurm/local-cluster.sh up     installs slurmctld, slurmd, slurm-client and
#                                      munge with apt-get if missing, starts munged,
#                                      slurmctld and slurmd in a state folder (no
#                                      systemd) and waits until the node is idle
#   test/slurm/local-cluster.sh down   stops the daemons by their pid files
#
# The state folder is $SEEDSCOPE_SLURM_DIR (default /tmp/seedscope-slurm-$(id -u)).
# `up` prints the line to use it: export SLURM_CONF=<dir>/slurm.conf. The ports
# are free ones chosen at `up`, so that clusters of other checkouts can run beside it.
# Needs root (the daemons run as root: SlurmUser=root).
set -euo pipefail

dir=${SEEDSCOPE_SLURM_DIR:-/tmp/seedscope-slurm-$(id -u)}
conf=$dir/slurm.conf

pid_alive() { # a pid file whose process runs (a zombie counts as stopped)
  [ -s "$1" ] || return 1
  local pid state
  pid=$(cat "$1")
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [ -n "$state" ] && [[ $state != Z* ]]
}

stop() {
  for d in slurmd slurmctld munged; do
    local f=$dir/$d.pid
    if pid_alive "$f"; then
      kill "$(cat "$f")" 2>/dev/null || true
      for _ in $(seq 50); do pid_alive "$f" || break; sleep 0.1; done
      if pid_alive "$f"; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
    fi
    rm -f "$f"
  done
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

wait_for() { # seconds, description, command…
  local secs=$1 what=$2
  shift 2
  for _ in $(seq $((secs * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "local-cluster: $what did not happen within ${secs} s (logs in $dir)" >&2
  return 1
}

up() {
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    echo "local-cluster: installing slurmctld slurmd slurm-client munge" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; }; } >"${TMPDIR:-/tmp}/seedscope-slurm-apt.log" 2>&1 \
      || { echo "local-cluster: apt-get install failed (see ${TMPDIR:-/tmp}/seedscope-slurm-apt.log)" >&2; exit 1; }
  fi
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && SLURM_CONF=$conf sinfo -h -o %T 2>/dev/null | grep -q idle; then
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  stop
  rm -rf "$dir"
  mkdir -p "$dir"/{state,spool,munge}
  # munged refuses a socket whose folder (or a parent) lacks o+x
  chmod 755 "$dir" "$dir"/munge
  mungekey -c -f -k "$dir/munge/munge.key" >/dev/null 2>&1
  chmod 600 "$dir/munge/munge.key"
  munged -S "$dir/munge/socket" --key-file "$dir/munge/munge.key" --pid-file "$dir/munged.pid" \
    --log-file "$dir/munged.log" --seed-file "$dir/munge/seed" -f
  local host node_line ctld_port d_port
  host=$(hostname -s)
  node_line=$(slurmd -C | head -1 | sed -e 's/ UpTime=.*//')
  ctld_port=$(free_port)
  d_port=$(free_port)
  while [ "$d_port" = "$ctld_port" ]; do d_port=$(free_port); done
  cat >"$conf" <<EOF
ClusterName=seedscope
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
DependencyParameters=kill_invalid_depend
MinJobAge=300
MailProg=/bin/true
ReturnToService=2
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$conf
  slurmctld -f "$conf"
  wait_for 20 "slurmctld answering scontrol ping" bash -c 'scontrol ping | grep -q UP'
  slurmd -f "$conf" -N "$host"
  wait_for 30 "the node becoming idle" bash -c 'sinfo -h -o %T | grep -qx idle'
  echo "export SLURM_CONF=$conf"
}

case "${1:-}" in
  up) up ;;
  down) stop ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
