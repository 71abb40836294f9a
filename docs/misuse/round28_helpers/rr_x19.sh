# X19 re-run: Pipeline.from_workdir(Moving MNIST base run, config with data.path); nearby: data.eval_path
. $(dirname $0)/rr_common.sh
H=docs/misuse/round28_helpers
echo "== x19: py $H/pipe_mm.py $B $O/p02/train" > $L/x19.out; py $H/pipe_mm.py $B $O/p02/train >> $L/x19.out 2>&1; grep -v WARNING:absl $L/x19.out | tail -3
echo "== x19e: py $H/rr_pipe_mm_eval.py $B $O/p02/train" > $L/x19e.out; py $H/rr_pipe_mm_eval.py $B $O/p02/train >> $L/x19e.out 2>&1; grep -v WARNING:absl $L/x19e.out | tail -3
