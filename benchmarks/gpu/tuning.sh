#!/bin/bash
# The GPU questions check.sh left open, in one short script (GPU time is scarce here):
#   impls   kernel_tuning.py --part impls: GLGA on the Pallas kernels vs the jnp reference (XLA), 8
#           and 21 latent frames of 480p, dense and 75% drop (decided model.attention_impl='auto');
#   tiles   kernel_tuning.py --part tiles: the window kernel's tilings at 21 frames (decided its
#           default);
#   ladder  train_throughput.py on configs/kinetics.py:variant=B (EFlow-B, 2048 tokens), bf16,
#           attention_impl=auto (softmax on cuDNN flash attention, GLGA on the Pallas kernels): the
#           Fig. 4a ladder on a GPU. First rungs a, b, f (the goals' ratios), then all six; a
#           persistent compilation cache lets the second run reuse the first one's programs;
#   ladder32k  the same at 480p's token count: EFlow-B's width on 21 x 60 x 104 latents (21 x 30 x
#           52 = 32,760 tokens, spatial 2x2 drop groups as the T2V config), batch 4 (the smallest every
#           split fills), rungs a, b, f,
#           where the paper makes its Fig. 4a claim. LADDER32K_TIMEOUT.
#   tests   the kernel test files compiled through Triton (check.sh's step 1, plus the fused
#           GLGA kernels' tests);
#   fused   kernel_tuning.py --part fused at 21 frames: the fused GLGA kernels' forward, dQ
#           and dK/dV tilings tuned one at a time, and the default's TFLOP/s and GB/s against the
#           H200's peaks (989 TFLOP/s bf16 dense, 4.8 TB/s);
#   scaling attention_scaling.py vs cuDNN flash attention at 2, 8 and 21 latent frames (GLGA on the
#           fused kernels), fwd and fwd+bwd.
# The fused-kernel run, in one 10-minute call (9.3 min of timeouts; on an H200 2026-11-30 the ladder's three
# cold compiles and warm-ups took 171 s of its 280, so it times 3 rounds of 3 steps; later args win):
#   OUT=docs/gpu_results/<gpu>_fused PARTS="tests fused scaling ladder32k" bash benchmarks/gpu/tuning.sh
# Usage (repo root, a CUDA build of JAX installed):  OUT=some/dir [PARTS="ladder"] bash benchmarks/gpu/tuning.sh
# On an H200 impls and tiles took ~1 min each; a train step compiles in 30-104 s (H100, H200), so
# the ladder needs ~6-8 min (LADDER_TIMEOUT, FULL_LADDER_TIMEOUT). LADDER_BATCH (default 8) is the batch.
# Missing core requirements can be installed offline from wheels fetched elsewhere, e.g.
#   pip download -d .whl --no-deps ml-collections grain array-record cloudpickle portpicker ...
#   python3 -m pip install --no-index --find-links .whl --no-deps ml_collections grain ...
source "$(dirname "$0")/env.sh"

PARTS=${PARTS:-impls tiles ladder}
export JAX_COMPILATION_CACHE_DIR=${JAX_COMPILATION_CACHE_DIR:-/tmp/eflow_jax_compilation_cache}

if [[ " $PARTS " == *" tests "* ]]; then
  JAX_PLATFORMS=cuda timeout "${TEST_TIMEOUT:-60}" python3 -m pytest -q -p no:cacheprovider -n 4 \
    tests/test_kernels_linear.py tests/test_kernels_window.py tests/test_kernels_glga.py \
    tests/test_kernels_glga_fused.py 2>&1 | tee "$OUT/gpu_kernel_tests.log"
fi
if [[ " $PARTS " == *" fused "* ]]; then
  timeout "${FUSED_TIMEOUT:-120}" python3 benchmarks/dev/kernel_tuning.py --part fused --frames 21 \
    --block-q 64 128 --block-k 32 64 --num-warps 4 --num-stages 2 \
    --peak-tflops 989 --peak-gbps 4800 --out "$OUT/kernel_tuning_fused.json" 2>&1 \
    | tee "$OUT/kernel_tuning_fused.log"
fi
if [[ " $PARTS " == *" scaling "* ]]; then
  timeout "${SCALING_TIMEOUT:-100}" python3 benchmarks/paper/attention_scaling.py --frames 2 8 21 \
    --window-frames 4 --heads 8 --softmax-impl cudnn --softmax-bwd-max-tokens 40000 --repeats 5 --no-sparse-baselines \
    --out "$OUT/attention_scaling_fused.json" 2>&1 | tee "$OUT/attention_scaling_fused.log"
fi
if [[ " $PARTS " == *" impls "* ]]; then
  timeout "${IMPLS_TIMEOUT:-150}" python3 benchmarks/dev/kernel_tuning.py --part impls --frames 8 21 \
    --out "$OUT/kernel_tuning_impls.json" 2>&1 | tee "$OUT/kernel_tuning_impls.log"
fi
if [[ " $PARTS " == *" tiles "* ]]; then
  timeout "${TILES_TIMEOUT:-170}" python3 benchmarks/dev/kernel_tuning.py --part tiles --frames 21 \
    --num-stages 2 --out "$OUT/kernel_tuning_tiles.json" 2>&1 | tee "$OUT/kernel_tuning_tiles.log"
fi
ladder() {  # $1: rungs, $2: timeout, $3: file stem, $4: batch, then extra --set arguments
  local rungs=$1 limit=$2 stem=$3 batch=$4
  shift 4
  timeout "$limit" python3 benchmarks/paper/train_throughput.py --config=configs/kinetics.py:variant=B \
    --batch "$batch" --set model.dtype=bfloat16 --set model.attention_impl=auto "$@" \
    --no-stages --flops none --rounds 5 --steps 5 --rungs "$rungs" --json "$OUT/$stem.json" 2>&1 \
    | tee "$OUT/$stem.log"
}
if [[ " $PARTS " == *" ladder "* ]]; then
  ladder f "${LADDER_TIMEOUT:-280}" train_throughput_kinetics_b_abf "${LADDER_BATCH:-8}"
  ladder abcdef "${FULL_LADDER_TIMEOUT:-270}" train_throughput_kinetics_b "${LADDER_BATCH:-8}"
fi
if [[ " $PARTS " == *" ladder32k "* ]]; then
  ladder f "${LADDER32K_TIMEOUT:-280}" train_throughput_32k_tokens 4 \
    --set 'video.latent_shape=(21,60,104,16)' --set 'model.token_drop_group=(1,2,2)' \
    --set model.remat=dots --rounds 3 --steps 3
fi
