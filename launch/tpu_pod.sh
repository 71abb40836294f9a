#!/bin/bash
# Runs training on every host of a Cloud TPU pod slice (TPU VM). UNTESTED on the machine this was
# written on (no TPU, no gcloud): check names, paths and the install step against your project.
#
#   TPU_NAME=my-v5e-32 ZONE=us-west4-a WORKDIR=/mnt/runs/t2v_256p bash launch/tpu_pod.sh
#
# Topology: one process per TPU host, each driving that host's chips. eflow_jax/distributed.py sees a
# Cloud TPU VM and calls jax.distributed.initialize() with no arguments; JAX reads the worker list
# and this host's number from the TPU metadata (coordinator: worker 0, port 8482 unless
# JAX_COORDINATOR_PORT is set). All hosts must run the same command at the same time, hence
# --worker=all.
# WORKDIR must be a directory every host sees (a gcsfuse or Filestore mount): every process writes
# its checkpoint shards there; only process 0 writes logs and samples.

set -euo pipefail

TPU_NAME=${TPU_NAME:?set TPU_NAME}
ZONE=${ZONE:?set ZONE}
PROJECT=${PROJECT:-$(gcloud config get-value project 2>/dev/null)}
WORKDIR=${WORKDIR:?set WORKDIR to a directory shared by all TPU hosts}
CONFIG=${CONFIG:-configs/t2v_256p.py}
REPO_DIR=${REPO_DIR:-eflow_jax}        # the checkout on each TPU host (relative to the home directory)
EXTRA_ARGS=${EXTRA_ARGS:-}             # e.g. --config.seed=1

# One-time setup on every host (uncomment for a fresh slice):
# gcloud compute tpus tpu-vm scp --recurse . "${TPU_NAME}:${REPO_DIR}" \
#   --zone="${ZONE}" --project="${PROJECT}" --worker=all
# gcloud compute tpus tpu-vm ssh "${TPU_NAME}" --zone="${ZONE}" --project="${PROJECT}" --worker=all \
#   --command="cd ${REPO_DIR} && python3 -m pip install -U 'jax[tpu]' && python3 -m pip install -e ."

# Environment on each host:
#   TPU_STDERR_LOG_LEVEL / TPU_MIN_LOG_LEVEL: quieter libtpu logs.
#   JAX_COORDINATOR_PORT: only if port 8482 is taken.
#   LIBTPU_INIT_ARGS: XLA TPU flags, if any.
REMOTE_ENV="export TPU_STDERR_LOG_LEVEL=2 TPU_MIN_LOG_LEVEL=2;"

gcloud compute tpus tpu-vm ssh "${TPU_NAME}" --zone="${ZONE}" --project="${PROJECT}" --worker=all \
  --command="${REMOTE_ENV} cd ${REPO_DIR} && python3 -m eflow_jax.main --config=${CONFIG} --workdir=${WORKDIR} ${EXTRA_ARGS}"

# A rerun after a crash can fail with "TPU in use" while an old python still holds /dev/accel*:
# find it with `sudo lsof -w /dev/accel*` on each host and stop that process.
