. /tmp/r25/env.sh
rm -rf $R/u07 $O/u07; mkdir -p $O/u07; cp -r ~/r25_u02cache $O/u07/mc; md5sum $O/u07/mc/*
echo "== train a 32x32, 6-frame run (steps=5)"; m --config=tests/tiny_config.py:steps=5 --workdir=$R/u07 --config.data.size=32 --config.data.frames=6 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -2
echo "== eval it with the metrics_dir the 16x16 base run's caches are in"; m --config=tests/tiny_config.py:steps=5 --config.data.size=32 --config.data.frames=6 $EV --mode=eval --workdir=$R/u07 --output=$O/u07/r.json --config.eval.metrics_dir=$O/u07/mc 2>&1 | grep -v WARNING | cut -c1-700 | tail -3
ls -la $O/u07/mc; md5sum $O/u07/mc/*
python3 -c "import json;d=json.load(open('$O/u07/r.json'));print({k:d.get(k) for k in ('num_samples','classifier_fd','class_accuracy','sharpness')})"
echo "== the base run evaluated again with that shared metrics_dir"; m --config=$CFG $EV --mode=eval --workdir=$B --output=$O/u07/rb.json --config.eval.metrics_dir=$O/u07/mc 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
python3 -c "import json;a=json.load(open('$O/u02/a.json'));b=json.load(open('$O/u07/rb.json'));print('base fd before/after', a['classifier_fd'], b['classifier_fd'])"
