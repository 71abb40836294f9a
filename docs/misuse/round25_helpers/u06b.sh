. /tmp/r25/env.sh
echo "== U06b eval with metrics_dir inside step folder checkpoints/14/mc"; m --config=tests/tiny_config.py:steps=16 $EV --mode=eval --workdir=$R/u06 --output=$O/u06/r14.json --config.eval.metrics_dir=$R/u06/checkpoints/14/mc 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
ls -la $R/u06/checkpoints/14/mc 2>&1
echo "== continue 16 -> 20, every_steps=2 max_to_keep=2"; m --config=tests/tiny_config.py:steps=20 --workdir=$R/u06 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=2 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -3
ls $R/u06/checkpoints; ls -la $R/u06/checkpoints/14/mc 2>&1
