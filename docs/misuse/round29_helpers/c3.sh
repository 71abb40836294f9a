# Y37: TRAINING through a second workdir whose checkpoints/ links to a finished run's checkpoints (after the first finished)
. $(dirname $0)/common.sh
ls -la $R2/c2/b; ls $R2/c2/a/checkpoints
s y37 m --config=tests/tiny_config.py:steps=14 --workdir=$R2/c2/b
ls $R2/c2/a/checkpoints; ls $R2/c2/b
