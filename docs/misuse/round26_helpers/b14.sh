# V34: Pipeline prompts empty; V35: export --output = the run's own workdir / its metrics folder / samples folder
. /tmp/r26/env.sh
L=/tmp/r26/log; R2=/tmp/r26/runs
py -c "
import hashlib
from eflow_jax import Pipeline
p = Pipeline.from_pretrained('$O/t2vex')
for pr in ([], '', '   ', 'clip number 1 moving', [' clip number 1 moving ']):
  try: out = p(prompts=pr, steps=2, seed=3); print(repr(pr), '->', out.shape, hashlib.md5(out.tobytes()).hexdigest()[:10])
  except BaseException as e: print(repr(pr), '->', type(e).__name__, e)
" > $L/v34.out 2>&1; grep -v "Loading weights" $L/v34.out | cut -c1-400
echo "== V35"
rm -rf $R2/v35; cp -r $B $R2/v35; mkdir -p $R2/v35/samples; (cd $R2/v35 && find . -type f | sort | xargs md5sum) > $L/v35_before.md5
for o in $R2/v35 $R2/v35/metrics $R2/v35/samples $R2/v35/tensorboard $R2/v35/x; do ex --workdir=$R2/v35 --output=$o > $L/v35.out 2>&1; echo "-- $o: $(cut -c1-400 $L/v35.out | tail -2)"; done
(cd $R2/v35 && find . -type f | sort | xargs md5sum) > $L/v35_after.md5; diff $L/v35_before.md5 $L/v35_after.md5 && echo "no file of the run changed"; ls $R2/v35
m --config=$CFG --mode=sample --workdir=$R2/v35 --output=$R2/v35/x/s --num_samples=2 > $L/v35s.out 2>&1; echo "-- sample into the export inside the run: $(cut -c1-300 $L/v35s.out | tail -2)"
