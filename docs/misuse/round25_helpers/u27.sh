. /tmp/r25/env.sh
rm -rf $O/u27 $R/u27a $R/u27b; mkdir -p $O/u27; cp -r $B $R/u27a; cp -r $B $R/u27b
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$CFG $EV --mode=eval --workdir=$R/u27a --output=$O/u27/a.json --config.eval.metrics_dir=$O/u27/mc > $O/u27/a.log 2>&1; echo "a rc=$?") &
sleep 1
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$CFG $EV --mode=eval --workdir=$R/u27b --output=$O/u27/b.json --config.eval.metrics_dir=$O/u27/mc > $O/u27/b.log 2>&1; echo "b rc=$?") &
wait
for f in a b; do grep -v WARNING $O/u27/$f.log | cut -c1-200 | tail -2; done
ls -la $O/u27/mc; md5sum $O/u27/mc/*
python3 -c "
import json
for f in 'ab': d=json.load(open('$O/u27/'+f+'.json')); print(f, d['classifier_fd'], d['class_accuracy'], d.get('frame_judge', d.get('judged_accuracy')))"
echo "== a third eval reading the shared caches"; m --config=$CFG $EV --mode=eval --workdir=$R/u27a --output=$O/u27/c.json --config.eval.metrics_dir=$O/u27/mc 2>&1 | grep -v WARNING | cut -c1-150 | tail -2
python3 -c "import json;d=json.load(open('$O/u27/c.json'));print('c', d['classifier_fd'])"; md5sum $O/u27/mc/*
