. /tmp/r24/env.sh
mkdir -p /tmp/r24/ro_tmp; chattr +i /tmp/r24/ro_tmp
echo "== sample TMPDIR=ro"; (cd $WT && TMPDIR=/tmp/r24/ro_tmp PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$CFG --mode=sample --workdir=$B --output=$O/t11/a 2>&1 | grep -v WARNING | cut -c1-300 | tail -3; echo rc=${PIPESTATUS[0]})
echo "== export TMPDIR=ro"; (cd $WT && TMPDIR=/tmp/r24/ro_tmp PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.tools.export --workdir=$B --output=$O/t11/ex 2>&1 | grep -v WARNING | cut -c1-300 | tail -3; echo rc=${PIPESTATUS[0]})
echo "== pd TMPDIR=ro"; (cd $WT && TMPDIR=/tmp/r24/ro_tmp PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.tools.prepare_data --input=$O/p02/in --output=$O/t11/set $PD 2>&1 | grep -v WARNING | cut -c1-300 | tail -3; echo rc=${PIPESTATUS[0]})
chattr -i /tmp/r24/ro_tmp
echo "== sample HOME unset"; (cd $WT && env -u HOME PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$CFG --mode=sample --workdir=$B --output=$O/t11/b 2>&1 | grep -v WARNING | cut -c1-300 | tail -3; echo rc=${PIPESTATUS[0]})
echo "== train HOME unset"; rm -rf $R/t11; (cd $WT && env -u HOME PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=tests/tiny_config.py:steps=6 --workdir=$R/t11 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -3; echo rc=${PIPESTATUS[0]})
ls $O/t11 $O/t11/a_clips 2>&1 | head; cmp $O/t11/a.gif $O/t11/b.gif && echo same_gif
