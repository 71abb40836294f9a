# Y11: samples/ made immutable (chattr +i) before training with grids
. $(dirname $0)/common.sh
G="--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2"
W=$R2/b3; chattr -i $W/samples 2>/dev/null; rm -rf $W; mkdir -p $W/samples; chattr +i $W/samples && lsattr -d $W/samples
s y11 m --config=tests/tiny_config.py:steps=4 $G --workdir=$W
TAILN=8 s y11x true; grep -v 'WARNING:absl' $L/y11.out | tail -8
ls -la $W $W/samples; ls $W/checkpoints 2>/dev/null
chattr -i $W/samples
