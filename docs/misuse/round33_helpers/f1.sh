# Part F: the README's commands under odd environments (cwd not the repo, TMPDIR unset/read-only, a C / non-UTF-8 locale)
. $(dirname $0)/common.sh
D=$O2/f; rm -rf $D; mkdir -p $D/ro; cp -r $B $D/base; chmod 555 $D/ro
md5sum $D/base/checkpoints/12/*/* 2>/dev/null | md5sum > $D/ck_before
# C15: --mode=sample from a cwd that is not the repo, with --config relative to the repo (a path that only works in the repo)
TAILN=4 s c15 bash -c "cd $D && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=configs/demo.py --workdir=base --mode=sample --num_samples=2 --sample_steps=2 --output=c15; echo rc=\$?"
ls $D
# C16: the same from a cwd outside the repo with an absolute config, TMPDIR pointing at a read-only folder
TAILN=4 s c16 bash -c "cd $D && TMPDIR=$D/ro PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/tests/tiny_config.py:steps=12 --workdir=base --mode=sample --num_samples=2 --sample_steps=2 --output=c16; echo rc=\$?"
# C17: TMPDIR set to a folder that does not exist
TAILN=4 s c17 bash -c "cd $D && TMPDIR=$D/nope PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/tests/tiny_config.py:steps=12 --workdir=base --mode=sample --num_samples=2 --sample_steps=2 --output=c17; echo rc=\$?"
# C18: LC_ALL=C (ASCII locale) with a non-ASCII --output (a folder named 'vidéos')
TAILN=4 s c18 bash -c "cd $D && LC_ALL=C LANG=C PYTHONUTF8=0 PYTHONIOENCODING= PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/tests/tiny_config.py:steps=12 --workdir=base --mode=sample --num_samples=2 --sample_steps=2 --output=$D/vidéos/c18; echo rc=\$?"
ls -R $D | head -40
# C19: LC_ALL=C with a non-ASCII --prompt on the TEXT run (copy) 
cp -r $T2V $D/t2v
TAILN=4 s c19 bash -c "cd $D && LC_ALL=C LANG=C PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$TT:steps=6 $T2VF --workdir=t2v --mode=sample --num_samples=1 --sample_steps=1 --prompt='un café qui bouge' --output=$D/c19; echo rc=\$?"
md5sum $D/base/checkpoints/12/*/* 2>/dev/null | md5sum > $D/ck_after; diff $D/ck_before $D/ck_after && echo CK_SAME; chmod 755 $D/ro
