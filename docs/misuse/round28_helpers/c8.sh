# X19: data.path with the Moving MNIST base run (Pipeline API); X20: training grids at the MP4 limit / with sample_every=0
. $(dirname $0)/common.sh
H=docs/misuse/round28_helpers; D=$R2/c8; rm -rf $D; mkdir -p $D
s x19b m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output=$D/x19b --config.data.path=$O/p02/train
echo "== x19: py pipe_mm.py $B $O/p02/train" > $L/x19.out; py $H/pipe_mm.py $B $O/p02/train >> $L/x19.out 2>&1; grep -v WARNING:absl $L/x19.out | tail -3
s x20a m --config=tests/tiny_config.py:steps=5 --workdir=$D/x20a --config.sample_every=1 --config.sample_columns=1 --config.num_samples=240
echo "x20a grids: $(ls $D/x20a/samples 2>&1 | tr '\n' ' ')"
s x20b m --config=tests/tiny_config.py:steps=5 --workdir=$D/x20b --config.sample_every=1 --config.sample_columns=1 --config.num_samples=241
echo "x20b ckpts: $(ls $D/x20b/checkpoints 2>&1 | tr '\n' ' ')"
s x20c m --config=tests/tiny_config.py:steps=5 --workdir=$D/x20c --config.sample_every=0 --config.sample_columns=1 --config.num_samples=241
echo "x20c: $(ls $D/x20c 2>&1 | tr '\n' ' ') ckpts $(ls $D/x20c/checkpoints 2>&1 | tr '\n' ' ')"
