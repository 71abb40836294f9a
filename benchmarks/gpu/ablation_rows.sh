#!/bin/bash
# Ablation rows trained on one GPU, all at once, in one 10-minute device call
# (benchmarks/sweeps/train_rows_parallel.py; the CPU machine scores what comes back with ablation_sweep.py).
#   OUT=<dir> ROWS=table:row,... [SCORE_HERE=table:row,...] [DEADLINE_S=420] [FINISH_BY_S=500] \
#     bash benchmarks/gpu/ablation_rows.sh
# Matmuls run at full float32 precision (JAX_DEFAULT_MATMUL_PRECISION=highest), as on the CPU where
# every other row was trained, not in TF32. SCORE_HERE rows are scored here without I3D (its
# weights do not fit the trip; their sample stills need `av` carried as a wheel, the MP4 writer's);
# the others come back as exports and are scored on the CPU.
# XLA_FLAGS: no GEMM autotuning and cuBLAS rather than Triton GEMM fusions. With both on (the
# default), eight processes compiling at once spent 2-4 min per fusion and none reached its first
# step in 400 s (H200, 2026-11-30); with both off, three rows compiled and ran 4000 steps in 168 s.
source "$(dirname "$0")/env.sh"
export JAX_DEFAULT_MATMUL_PRECISION=highest JAX_PLATFORMS=cuda
export XLA_FLAGS="${XLA_FLAGS:---xla_gpu_autotune_level=0 --xla_gpu_enable_triton_gemm=false}"
python3 benchmarks/sweeps/train_rows_parallel.py --rows="$ROWS" --score_here="${SCORE_HERE:-}" --root=/tmp/abl \
  --out="$OUT" --deadline_s="${DEADLINE_S:-420}" --finish_by_s="${FINISH_BY_S:-500}"
