# X07 rerun (dangling samples link, more steps), X09: grids after SIGKILL and a plain resume
. $(dirname $0)/common.sh
D=$R2/c3; rm -rf $D; mkdir -p $D
mkdir $D/x07b; ln -s $D/nosamples/s $D/x07b/samples
s x07b m --config=tests/tiny_config.py:steps=8 --config.sample_every=5 --config.num_samples=4 --config.checkpoint.every_steps=100 --workdir=$D/x07b
echo "x07b: ckpts [$(ls $D/x07b/checkpoints 2>&1 | tr '\n' ' ')] metrics lines $(wc -l < $D/x07b/metrics.jsonl)"
T="--config=tests/tiny_config.py:steps=400 --config.sample_every=1 --config.num_samples=4 --config.checkpoint.every_steps=5"
echo "== x09: m $T --workdir=$D/x09 (SIGKILL once samples/step_000012.gif exists)" > $L/x09.out
(cd $WT && PYTHONPATH=$WT nice -n 19 python -m eflow_jax.main $T --workdir=$D/x09 >> $L/x09.out 2>&1) & P=$!
for i in $(seq 1 200); do [ -e $D/x09/samples/step_000012.gif ] && break; sleep 0.5; done
sleep 0.3; kill -9 $(pgrep -P $P -f eflow_jax.main) 2>/dev/null; wait $P
echo "after kill: ckpts [$(ls $D/x09/checkpoints | tr '\n' ' ')] grids [$(ls $D/x09/samples | tr '\n' ' ')]" | tee -a $L/x09.out
md5sum $D/x09/samples/*.gif > $D/x09_md5_before.txt
s x09r m --config=tests/tiny_config.py:steps=14 --config.sample_every=1 --config.num_samples=4 --config.checkpoint.every_steps=5 --workdir=$D/x09 --allow_resume_change=total_steps
echo "after resume: ckpts [$(ls $D/x09/checkpoints | tr '\n' ' ')] grids [$(ls $D/x09/samples | tr '\n' ' ')]" | tee -a $L/x09r.out
md5sum $D/x09/samples/*.gif >> $L/x09r.out; cat $D/x09_md5_before.txt >> $L/x09r.out
