# Part J: a pruned step named by --mode=eval; time-based grids at a tiny interval
. $(dirname $0)/common.sh
D=$O2/j; rm -rf $D; mkdir -p $D
TAILN=3 s c29 m --config=tests/tiny_config.py:steps=7 --workdir=$O2/a/r1 --mode=eval --step=2 $EV --output=$D/c29.json; ls $D
TAILN=4 s c30 m --config=tests/tiny_config.py:steps=4 --workdir=$D/t --config.sample_every_minutes=0.0001; ls $D/t/samples
