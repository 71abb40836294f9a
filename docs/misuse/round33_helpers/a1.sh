# Part A: training with small budgets and odd but legitimate cadences; nan_policy spellings; resumes after changing sample settings
. $(dirname $0)/common.sh
D=$O2/a; rm -rf $D; mkdir -p $D
TAILN=6 s c01 m --config=tests/tiny_config.py:steps=5 --workdir=$D/r1 --config.checkpoint.every_steps=2 --config.sample_every=3 --config.eval_every=2 $EV; ls -R $D/r1 | grep -v '^$' | head -40
TAILN=4 s c02 m --config=tests/tiny_config.py:steps=3 --workdir=$D/r2 --config.nan_policy=SKIP; ls $D/r2 2>&1
TAILN=4 s c03 m --config=tests/tiny_config.py:steps=3 --workdir=$D/r3 --config.nan_policy=; ls $D/r3 2>&1
cp -r $D/r1 $D/r1b
TAILN=6 s c04 m --config=tests/tiny_config.py:steps=7 --workdir=$D/r1 --config.checkpoint.every_steps=2 --config.sample_every=3 --config.eval_every=2 $EV --config.num_samples=4; ls $D/r1 $D/r1/samples $D/r1/checkpoints
TAILN=6 s c05 m --config=tests/tiny_config.py:steps=7 --workdir=$D/r1b --config.checkpoint.every_steps=2 --config.sample_every=1 --config.eval_every=2 $EV; ls $D/r1b $D/r1b/samples $D/r1b/checkpoints
TAILN=5 s c06 m --config=tests/tiny_config.py:steps=3 --workdir=$D/r6 --config.checkpoint.every_steps=0; ls $D/r6 $D/r6/checkpoints 2>&1
