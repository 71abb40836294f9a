# Part C: the checkpoints-folder lock. Y12: --mode=sample and export of a workdir while its trainer runs.
. $(dirname $0)/common.sh
W=$R2/c1; rm -rf $W; cp -r $B $W
cd $WT; PYTHONPATH=$WT nice -n 19 timeout 400 python -m eflow_jax.main --config=tests/tiny_config.py:steps=400 \
   --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=3 --workdir=$W > $L/y12_train.out 2>&1 &
TP=$!
for i in $(seq 1 200); do [ -d $W/checkpoints/14 ] && break; sleep 1; done
echo "at $(date +%T) checkpoints: $(ls $W/checkpoints)"
s y12s m --config=$CFG --mode=sample --workdir=$W --num_samples=2 --output=$O2/c1/s
echo "after sample $(date +%T) checkpoints: $(ls $W/checkpoints)"
s y12e ex --workdir=$W --output=$O2/c1/exp
echo "after export $(date +%T) checkpoints: $(ls $W/checkpoints)"
echo "trainer (timeout) pid $TP"; kill -TERM $TP
wait $TP; echo "trainer rc=$?"; grep -v WARNING:absl $L/y12_train.out | tail -4; ls $W/checkpoints
[ -f $O2/c1/exp/config.json ] && python -c "import json;print('export step', json.load(open('$O2/c1/exp/config.json'))['step'])"
