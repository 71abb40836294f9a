#!/bin/bash
# The GPU questions gpu_check.sh left open, in one short script (GPU time is scarce here):
#   1. kernel_tuning.py --part impls: GLGA on the Pallas kernels vs the jnp reference (XLA), 8 and
#      21 latent frames of 480p, dense and 75% drop (decided model.attention_impl='auto');
#   2. kernel_tuning.py --part tiles: the window kernel's tilings at 21 frames (decided its default);
#   3. train_throughput.py on configs/kinetics_b.py (EFlow-B, 2048 tokens, batch 4; 16 runs out of
#      memory in the softmax rungs), bf16, attention_impl=auto: the Fig. 4a ladder on a GPU.
# Usage (repo root, a CUDA build of JAX installed):  OUT=some/dir bash benchmarks/gpu_tuning.sh
# On an H200 parts 1 and 2 took ~1 min each; part 3 compiles six train steps at 31-84 s each, so
# give it ~8 min (LADDER_TIMEOUT) or pass fewer rungs (e.g. LADDER_ARGS="--rungs=f").
# Missing core requirements can be installed offline from wheels fetched elsewhere, e.g.
#   pip download -d .whl --no-deps ml-collections grain array-record cloudpickle portpicker ...
#   python3 -m pip install --no-index --find-links .whl --no-deps ml_collections grain ...
set -uo pipefail
OUT=${OUT:-benchmarks/results}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 XLA_PYTHON_CLIENT_PREALLOCATE=false
nvidia-smi -L
python3 -c "import jax, flax; print('jax', jax.__version__, 'flax', flax.__version__, jax.devices())"

timeout "${IMPLS_TIMEOUT:-150}" python3 benchmarks/kernel_tuning.py --part impls --frames 8 21 \
  --out "$OUT/kernel_tuning_impls.json" 2>&1 | tee "$OUT/kernel_tuning_impls.log"
timeout "${TILES_TIMEOUT:-170}" python3 benchmarks/kernel_tuning.py --part tiles --frames 21 \
  --num-stages 2 --out "$OUT/kernel_tuning_tiles.json" 2>&1 | tee "$OUT/kernel_tuning_tiles.log"
timeout "${LADDER_TIMEOUT:-480}" python3 benchmarks/train_throughput.py --config=configs/kinetics_b.py \
  --batch 4 --set model.dtype=bfloat16 --set model.attention_impl=auto --no-stages --flops none \
  --rounds 3 --steps 3 ${LADDER_ARGS:-} --json "$OUT/train_throughput_kinetics_b.json" 2>&1 \
  | tee "$OUT/train_throughput_kinetics_b.log"
