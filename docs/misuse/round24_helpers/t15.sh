. /tmp/r24/env.sh
rm -rf $R/t15 $O/t15; cp -r $B $R/t15; mkdir -p $O/t15
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=tests/tiny_config.py:steps=60 --workdir=$R/t15 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=2 > $O/t15/train.log 2>&1; echo "train rc=$?" >> $O/t15/train.log) &
for i in 1 2 3; do sleep 9; echo "== export $i at $(date +%T), steps on disk: $(ls $R/t15/checkpoints | tr '\n' ' ')"; ex --workdir=$R/t15 --output=$O/t15/ex$i 2>&1 | grep -v WARNING | cut -c1-300 | tail -2; done
echo "== sample during training"; m --config=tests/tiny_config.py:steps=60 --mode=sample --workdir=$R/t15 --output=$O/t15/s --num_samples=2 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
wait
tail -3 $O/t15/train.log; ls $R/t15/checkpoints
for i in 1 2 3; do python3 -c "import json;d=json.load(open('$O/t15/ex$i/config.json'));print('ex$i step', d['step'])" 2>&1|tail -1; done
