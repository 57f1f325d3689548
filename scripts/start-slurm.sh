#!/usr/bin/env bash
# Sets up and starts a one-node Slurm (munged, slurmctld, slurmd) as root, without systemd or cgroups
# (shared/reference/slurm-one-node.md): no cgroup plugins, so it runs in a container too. The daemons
# write their pid files to /run, where the Slurm test finds them to stop them. Called by
# ensure-system.sh when no Slurm controller answers.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "ensure-system: no Slurm controller answers; start munged, slurmctld and slurmd as root" >&2
  exit 1
fi
host=$(hostname -s)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /run/munge /var/log/munge /var/lib/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
chmod 400 /etc/munge/munge.key
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/tmp/sera-eval-slurmctld.log
SlurmdLogFile=/tmp/sera-eval-slurmd.log
SlurmUser=root
AuthType=auth/munge
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
echo "ensure-system: starting munged, slurmctld and slurmd (logs: /tmp/sera-eval-slurm*.log)"
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
/usr/sbin/slurmctld
/usr/sbin/slurmd
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qx idle && break
  sleep 1
done
if ! sinfo -h -o %T 2>/dev/null | grep -qx idle; then
  echo "ensure-system: the Slurm node did not become idle within 30 s; sinfo says:" >&2
  sinfo >&2 || true
  tail -n 20 /tmp/sera-eval-slurmctld.log /tmp/sera-eval-slurmd.log >&2 || true
  exit 1
fi
