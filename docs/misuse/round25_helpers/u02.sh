. /tmp/r25/env.sh
rm -rf $R/u02 $O/u02 ~/r25_u02cache; cp -r $B $R/u02; mkdir -p $O/u02/work $O/u02/ro; chattr +i $O/u02/ro
echo notes > $O/u02/work/notes.txt; ln -s $O/u02/gone $O/u02/work/dang
md5sum $O/u02/work/notes.txt
e() { (cd $O/u02/work && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/$CFG $EV --mode=eval --workdir=$R/u02 "$@" 2>&1 | grep -v WARNING | cut -c1-350 | tail -2; echo rc=${PIPESTATUS[0]}) }
echo "== U02 metrics_dir=~/r25_u02cache (tilde unexpanded by the shell)"; e --output=$O/u02/a.json --config.eval.metrics_dir=~/r25_u02cache
ls -la $O/u02/work; ls ~/r25_u02cache 2>&1
echo "== U03 metrics_dir = a file"; e --output=$O/u02/b.json --config.eval.metrics_dir=$O/u02/work/notes.txt
echo "== U04 metrics_dir = read-only folder"; e --output=$O/u02/c.json --config.eval.metrics_dir=$O/u02/ro
echo "== U05 metrics_dir = dangling symlink"; e --output=$O/u02/d.json --config.eval.metrics_dir=$O/u02/work/dang
chattr -i $O/u02/ro; ls -la $O/u02/work $O/u02/ro $O/u02; ls -la $O/u02/gone 2>&1; md5sum $O/u02/work/notes.txt; ls $R/u02/metrics 2>&1
