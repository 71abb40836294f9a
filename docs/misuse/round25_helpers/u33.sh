. /tmp/r25/env.sh
rm -rf $O/u33; mkdir -p $O/u33; cp -r $EX $O/u33/ex
echo "== eval of the base run with metrics_dir = an export folder"; m --config=$CFG $EV --mode=eval --workdir=$B --output=$O/u33/r.json --config.eval.metrics_dir=$O/u33/ex 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
ls $O/u33/ex; md5sum $O/u33/ex/*
echo "== load it"; py -c "
from eflow_jax import Pipeline; import hashlib
p=Pipeline.from_pretrained('$O/u33/ex'); print('ok', hashlib.md5(p(class_ids=[1,2], steps=2, seed=3).tobytes()).hexdigest()[:10])" 2>&1 | grep -v "WARNING\|absl" | tail -2
echo "== re-export step 10 into it"; ex --workdir=$B --step=10 --output=$O/u33/ex 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
ls -la $O/u33/ex; md5sum $O/u33/ex/*
echo "== eval the export itself with metrics_dir = the same folder"; m --config=$CFG $EV --mode=eval --workdir=$O/u33/ex --output=$O/u33/r2.json --config.eval.metrics_dir=$O/u33/ex 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
