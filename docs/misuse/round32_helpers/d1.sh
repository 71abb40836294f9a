# Part D: a step set aside by --resume_from_step, then named by --step; --allow_resume_change with a field that did not change
. $(dirname $0)/common.sh
D=$O2/d; rm -rf $D; mkdir -p $D; cp -r $B $D/r; cp -r $B $D/r2
TAILN=5 s b19 m --config=tests/tiny_config.py:steps=10 --workdir=$D/r --resume_from_step=10; ls $D/r/checkpoints
TAILN=4 s b20 m --config=tests/tiny_config.py:steps=10 --workdir=$D/r --mode=sample --step=12 --num_samples=2 --output=$D/b20; ls $D 
TAILN=4 s b21 m --config=tests/tiny_config.py:steps=10 --workdir=$D/r --mode=eval --step=12 $EV --output=$D/b21.json; ls $D
TAILN=4 s b21x ex --workdir=$D/r --step=12 --output=$D/b21x; ls $D
TAILN=5 s b22 m --config=tests/tiny_config.py:steps=14 --workdir=$D/r2 --allow_resume_change=seed --allow_resume_change=seed; ls $D/r2/checkpoints
