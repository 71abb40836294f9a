#!/usr/bin/env bash
# The CPU timings the results page quotes, each written as a committed report (JSON with the command,
# commit, machine and CPU flags, date, and every round's raw numbers) under docs/cpu_results/.
# Run on an idle machine (nothing else training), from the repo root, after committing: a report
# records whether the tree had uncommitted changes.
#
#   bash benchmarks/paper/cpu_reports.sh                 # everything below, ~25 min on 2 cores
#   PARTS="ladder256 latency256" bash benchmarks/paper/cpu_reports.sh
#
# Parts: ladder256 (the demo model's training ladder, rungs a-f and the curriculum's stages),
# ladder2048 (the same model with 1x2x2 patches: 2048 tokens), curriculum_vs_fm (the ablation rows'
# recipe against softmax FM, batch 16: the equal-wall-time comparison of results.md, Tab. 2),
# latency256, latency2048 (4-step EFlow vs 40 x 2-NFE softmax FM, same weights), flops (FLOP limits
# of the ladder at EFlow-B 2048 tokens and EFlow-1.5B 32,760 tokens; counts only, nothing timed).
set -euo pipefail
OUT=${OUT:-docs/cpu_results}
PARTS=${PARTS:-"ladder256 ladder2048 curriculum_vs_fm latency256 latency2048 flops"}
ROUNDS=${ROUNDS:-5}
mkdir -p "$OUT"
cpu=$(grep -q avx512f /proc/cpuinfo && echo avx512 || echo avx2)
for part in $PARTS; do
  echo "== $part ($cpu) $(date -u +%FT%TZ)"
  case $part in
    ladder256)
      python benchmarks/paper/train_throughput.py --rounds "$ROUNDS" --steps 3 \
        --json "$OUT/train_throughput_demo_256_tokens_$cpu.json" ;;
    ladder2048)
      python benchmarks/paper/train_throughput.py --set 'model.patch=(1,2,2)' --batch 4 --rounds "$ROUNDS" \
        --steps 2 --no-stages --json "$OUT/train_throughput_demo_2048_tokens_$cpu.json" ;;
    curriculum_vs_fm)
      python benchmarks/paper/train_throughput.py --config=configs/ablations/mva_study.py:nomva_4 --rungs a \
        --flops none --rounds "$ROUNDS" --steps 3 --json "$OUT/train_throughput_ablation_recipe_vs_fm_$cpu.json" ;;
    latency256)
      python benchmarks/paper/sampling_latency.py --rounds "$ROUNDS" --json "$OUT/sampling_latency_demo_256_tokens_$cpu.json" ;;
    latency2048)
      python benchmarks/paper/sampling_latency.py --set 'model.patch=(1,2,2)' --batch 2 --rounds "$ROUNDS" \
        --json "$OUT/sampling_latency_demo_2048_tokens_$cpu.json" ;;
    flops)
      python benchmarks/paper/flop_ladder.py --json "$OUT/flop_ladder_kinetics_b_2048_and_t2v_1p5b_32k.json"
      python benchmarks/paper/flop_ladder.py --config=configs/t2v_256p.py --json "$OUT/flop_ladder_t2v_1p5b_9408.json"
      python benchmarks/paper/curriculum_limit.py --ladder="$OUT/flop_ladder_t2v_1p5b_9408.json" \
        --ladder="$OUT/flop_ladder_kinetics_b_2048_and_t2v_1p5b_32k.json" --json "$OUT/curriculum_limit_t2v_1p5b.json" ;;
    *) echo "cpu_reports.sh: unknown part '$part'; one of ladder256 ladder2048 curriculum_vs_fm latency256 latency2048 flops" >&2; exit 2 ;;
  esac
done
