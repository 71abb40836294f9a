# Part H: a prepare_data rerun as one process of two over a set prepared by one process; HOME unset; a read-only cwd
. $(dirname $0)/common.sh
D=$O2/h; rm -rf $D; mkdir -p $D/rocwd; cp -r /tmp/r32/out2/b/set $D/set; cp -r $B $D/base; chmod 555 $D/rocwd
py $WT/docs/misuse/round30_helpers/readset.py $D/set > $L/h_orig.txt 2>&1
# C23: C20's halted run (checkpoint 1) resumed with the policy changed to skip, same blow-up learning rate
TAILN=5 s c23 m --config=tests/tiny_config.py:steps=4 --workdir=$O2/g/h --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=skip; ls $O2/g/h/checkpoints
TAILN=4 s c24 pd --input=$O/p02/in --output=$D/set --shard_size=1 $PD --process_index=0 --process_count=2
py $WT/docs/misuse/round30_helpers/readset.py $D/set > $L/c24_after.txt 2>&1; diff $L/h_orig.txt $L/c24_after.txt && echo C24_SAME_SET
TAILN=4 s c25 bash -c "cd $D/rocwd && env -u HOME -u XDG_CACHE_HOME PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/tests/tiny_config.py:steps=12 --workdir=$D/base --mode=sample --num_samples=2 --sample_steps=2 --output=$D/c25/x; echo rc=\$?"
ls $D $D/rocwd $D/c25; chmod 755 $D/rocwd
