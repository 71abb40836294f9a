#!/bin/bash
# The paper's own model on a GPU, in one 10-minute call: EFlow-1.5B (configs/t2v_480p.py, 1.61B
# parameters with its text cross-attention) at 480p's 21 x 30 x 52 = 32,760 tokens, bf16,
# attention_impl=auto (softmax on cuDNN flash attention, GLGA on the fused Pallas kernels).
#   ladder   benchmarks/paper/train_throughput.py, rungs a (FM + softmax), b (SoFlow + softmax) and f
#            (the full recipe, 75% token drop): Fig. 4a at the paper's model and token count. Batch 4,
#            the smallest that gives every group of the objective's split an example; remat=full.
#            Each program has its own 25.8 GB train state: with all three on the device the third
#            program's warm-up ran out of memory (H200, 2026-12-04), so --park-states keeps them in
#            host memory except while timed (this fitted, 2026-12-04). 2 rounds of 1 step after a
#            warm-up step. Set-up took 406 s (compiles 58, 63, 155 s) and a round about a minute:
#            the ladder needs a call of its own with LADDER_TIMEOUT=590. Its JSON is rewritten after
#            every round ("partial": true until the end), so a cut-off run keeps the rounds it finished.
#   latency  benchmarks/paper/sampling_latency.py: one video, 4-step EFlow (GLGA) against 40 x 2-NFE
#            softmax FM + CFG and 4-step softmax SFM (Fig. 4b, Tab. 6). No VAE decode, no text
#            encoder: the denoiser's latency alone. It gets the time the ladder left.
# Each part has its own timeout so that an overrun of one still leaves the other its result.
# Usage (repo root, a CUDA build of JAX installed):
#   OUT=some/dir [PARTS="ladder latency"] [DEADLINE_S=570] bash benchmarks/gpu/paper_model.sh
# The same code paths on a CPU, CPU-sized: CONFIG=configs/t2v_480p.py:runlocal OUT=/tmp/x bash ...
source "$(dirname "$0")/env.sh"

PARTS=${PARTS:-ladder latency}
CONFIG=${CONFIG:-configs/t2v_480p.py}
DEADLINE_S=${DEADLINE_S:-570}
START=$(date +%s)
left() { echo $(( DEADLINE_S - ($(date +%s) - START) )); }
SETS=(--set model.dtype=bfloat16 --set model.attention_impl=auto)

if [[ " $PARTS " == *" ladder "* ]]; then
  timeout "${LADDER_TIMEOUT:-300}" python3 benchmarks/paper/train_throughput.py --config="$CONFIG" \
    --batch 4 "${SETS[@]}" --set model.remat=full --no-stages --park-states --flops none --rounds 2 --steps 1 \
    --rungs f --json "$OUT/train_throughput_1p5b_32k.json" 2>&1 | tee "$OUT/train_throughput_1p5b_32k.log"
fi
if [[ " $PARTS " == *" latency "* ]]; then
  limit=$(left)
  echo "latency: ${limit} s left"
  if (( limit > 30 )); then
    timeout "$limit" python3 benchmarks/paper/sampling_latency.py --config="$CONFIG" --batch 1 \
      "${SETS[@]}" --steps 4 --fm-steps "${FM_STEPS:-40}" --rounds "${LATENCY_ROUNDS:-2}" --no-flops \
      --json "$OUT/sampling_latency_1p5b_32k.json" 2>&1 | tee "$OUT/sampling_latency_1p5b_32k.log"
  fi
fi
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv 2>/dev/null || true
