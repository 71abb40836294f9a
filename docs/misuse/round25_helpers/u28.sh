. /tmp/r25/env.sh
ls $R/u06/checkpoints | tr '\n' ' '; echo
echo "== eval --step=14 (pruned)"; m --config=tests/tiny_config.py:steps=20 $EV --mode=eval --workdir=$R/u06 --step=14 --output=$O/u28/r.json 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== sample --step=14"; m --config=tests/tiny_config.py:steps=20 --mode=sample --workdir=$R/u06 --step=14 --output=$O/u28/s 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== export --step=14"; ex --workdir=$R/u06 --step=14 --output=$O/u28/ex 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== Pipeline.from_workdir(step=14), step=np.int64(16), step='16', step=16.0"
py -c "
import numpy as np
from eflow_jax import Pipeline
for s in (14, np.int64(16), '16', 16.0):
  try: p = Pipeline.from_workdir('$R/u06', step=s); print(repr(s), 'ok', p.source)
  except Exception as e: print(repr(s), type(e).__name__, str(e)[:250])
" 2>&1 | grep -v "WARNING\|absl"
ls $O/u28 2>&1
