. /tmp/r25/env.sh
rm -rf $R/u08 $R/u08b $O/u08; mkdir -p $O/u08/ro $O/u08/mc; chattr +i $O/u08/ro
echo "== train with score_at_end=4, eval_every=5, metrics_dir read-only"; m --config=tests/tiny_config.py:steps=5 $EV --workdir=$R/u08b --config.eval.score_at_end=4 --config.eval_every=5 --config.eval.metrics_dir=$O/u08/ro 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -2
ls $R/u08b 2>&1; chattr -i $O/u08/ro
echo "== same with a writable metrics_dir"; m --config=tests/tiny_config.py:steps=5 $EV --workdir=$R/u08 --config.eval.score_at_end=4 --config.eval_every=5 --config.eval.metrics_dir=$O/u08/mc 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -4
ls -la $O/u08/mc $R/u08 $R/u08/metrics 2>&1
grep -c . $R/u08/metrics.jsonl; grep -o '"eval/[a-z_]*": [0-9.e-]*' $R/u08/metrics.jsonl | head
