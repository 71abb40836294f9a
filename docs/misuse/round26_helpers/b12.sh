# V29: eval with a huge config.eval.num_samples; V30: step folders set aside (12.superseded, 12.corrupt) asked for by --step / Pipeline / export
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/b12; R2=/tmp/r26/runs; rm -rf $O2; mkdir -p $O2
echo "== V29"
rm -rf $R2/v29; cp -r $B $R2/v29
m --config=$CFG $EV --mode=eval --workdir=$R2/v29 --output=$O2/e.json --config.eval.num_samples=1000000 > $L/v29.out 2>&1; cut -c1-600 $L/v29.out | tail -4; ls $O2
echo "== V30 (the V12 run: checkpoints $(ls $R2/v12/checkpoints | tr '\n' ' '))"
m --config=tests/tiny_config.py:steps=14 --mode=sample --workdir=$R2/v12 --step=12 --output=$O2/s12 --num_samples=2 > $L/v30a.out 2>&1; cut -c1-500 $L/v30a.out | tail -3
ex --workdir=$R2/v12 --step=12 --output=$O2/x12 > $L/v30b.out 2>&1; cut -c1-500 $L/v30b.out | tail -3
py -c "
from eflow_jax import Pipeline
for s in (12, None):
  try: p = Pipeline.from_workdir('$R2/v12', step=s); print('from_workdir step', s, '-> loaded, step', getattr(p, 'step', '?'))
  except BaseException as e: print('from_workdir step', s, '->', type(e).__name__, e)
" > $L/v30c.out 2>&1; cut -c1-500 $L/v30c.out
ex --workdir=$R2/v12 --output=$O2/xnew > $L/v30d.out 2>&1; cut -c1-300 $L/v30d.out | tail -2; grep -o "trained for [0-9]* steps (of [0-9]*)" $O2/xnew/README.md
