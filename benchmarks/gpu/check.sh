#!/bin/bash
# The Pallas kernels on a real GPU, in one short script (GPU time is scarce here):
#   1. the kernel test files with JAX_PLATFORMS=cuda: the kernels compile through Triton and run
#      (no interpret mode); tests/conftest.py asks for 'highest' float32 matmul precision on GPU;
#   2. attention_scaling.py at the 480p geometry with --check: GLGA on the Pallas kernels vs cuDNN
#      flash attention (XLA's softmax if cuDNN refuses), plus each GLGA row's error against a
#      float32 'highest' reference.
# Usage (repo root, a CUDA build of JAX installed):  OUT=some/dir bash benchmarks/gpu/check.sh
# Logs and the benchmark JSON go to $OUT (default benchmarks/results). On an H100: tests ~1 min,
# the 21-frame benchmark row ~1.5 min, the 2- and 8-frame rows ~2 min more (mostly compiling).
source "$(dirname "$0")/env.sh"

JAX_PLATFORMS=cuda timeout "${TEST_TIMEOUT:-150}" python3 -m pytest -q -p no:cacheprovider -n 4 \
  tests/test_kernels_linear.py tests/test_kernels_window.py tests/test_kernels_glga.py \
  2>&1 | tee "$OUT/gpu_kernel_tests.log"

bench() {
  timeout "${BENCH_TIMEOUT:-420}" python3 benchmarks/paper/attention_scaling.py --frames ${FRAMES:-2 8 21} \
    --window-frames 4 --heads 8 --check --softmax-bwd-max-tokens 40000 --repeats 5 --no-sparse-baselines \
    --out "$OUT/attention_scaling_gpu.json" "$@" 2>&1 | tee "$OUT/attention_scaling_gpu.log"
}
# cuDNN flash attention is the fair softmax baseline on a GPU; XLA's softmax if cuDNN refuses.
bench --softmax-impl cudnn || bench --softmax-impl xla
