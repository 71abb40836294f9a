. /tmp/r25/env.sh
rm -rf $O/u01; mkdir -p $O/u01/work; cp -r $EX $O/u01/ex; chattr +i $O/u01/ex
echo "== eval, default --output"; m --config=$CFG $EV --mode=eval --workdir=$O/u01/ex 2>&1 | grep -v WARNING | cut -c1-400 | tail -2
echo "== eval, --output elsewhere, no metrics_dir"; m --config=$CFG $EV --mode=eval --workdir=$O/u01/ex --output=$O/u01/r.json 2>&1 | grep -v WARNING | cut -c1-400 | tail -2
echo "== eval, --output elsewhere, metrics_dir relative 'mcache' from cwd $O/u01/work"
(cd $O/u01/work && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/$CFG $EV --mode=eval --workdir=$O/u01/ex --output=$O/u01/r.json --config.eval.metrics_dir=mcache 2>&1 | grep -v WARNING | cut -c1-300 | tail -3; echo rc=$?)
chattr -i $O/u01/ex; ls -R $O/u01 | head -30; ls $WT | head -30; md5sum $O/u01/ex/* $EX/*
python3 -c "import json;d=json.load(open('$O/u01/r.json'));print({k:d[k] for k in list(d)[:12]})"
