# Part G: grids and checkpoints set aside THREE times by --resume_from_step (6-step run, grids and checkpoints every 2)
. $(dirname $0)/common.sh
W=$R2/g/run; rm -rf $R2/g; mkdir -p $R2/g
GF="--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=10"
s z29a m --config=tests/tiny_config.py:steps=6 --workdir=$W $GF
for k in 1 2 3; do s z29r$k m --config=tests/tiny_config.py:steps=6 --workdir=$W $GF --resume_from_step=2; done
ls $W/checkpoints $W/samples | tee $L/z29_ls.txt
s z29e ex --workdir=$W --step=4 --output=$O2/g_exp4
s z29s m --config=tests/tiny_config.py:steps=6 --mode=sample --workdir=$W --step=4 --num_samples=2 --output=$O2/g_s4
grep -v WARNING:absl $L/z29r3.out | grep -v "^step " | head
