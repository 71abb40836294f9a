. /tmp/r25/env.sh
rm -rf $R/u06 $O/u06; cp -r $B $R/u06; mkdir -p $O/u06
echo "== U06 eval with metrics_dir inside the run's checkpoints/"; m --config=$CFG $EV --mode=eval --workdir=$R/u06 --output=$O/u06/r.json --config.eval.metrics_dir=$R/u06/checkpoints/mc 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
ls -la $R/u06/checkpoints $R/u06/checkpoints/mc 2>&1; md5sum $R/u06/checkpoints/mc/* 2>&1
echo "== continue 12 -> 16, every_steps=2 max_to_keep=2"; m --config=tests/tiny_config.py:steps=16 --workdir=$R/u06 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=2 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -3
ls -la $R/u06/checkpoints $R/u06/checkpoints/mc 2>&1; md5sum $R/u06/checkpoints/mc/* 2>&1
echo "== sample --step=16"; m --config=tests/tiny_config.py:steps=16 --mode=sample --workdir=$R/u06 --output=$O/u06/s --num_samples=2 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
