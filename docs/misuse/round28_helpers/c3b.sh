# X09: plain resume of the SIGKILLed run (c3.sh), to step 14
. $(dirname $0)/common.sh
D=$R2/c3
s x09r m --config=tests/tiny_config.py:steps=14 --config.sample_every=1 --config.num_samples=4 --config.checkpoint.every_steps=5 --workdir=$D/x09
echo "after resume: ckpts [$(ls $D/x09/checkpoints | tr '\n' ' ')] grids [$(ls $D/x09/samples | tr '\n' ' ')]" | tee -a $L/x09r.out
md5sum $D/x09/samples/*.gif >> $L/x09r.out; echo BEFORE >> $L/x09r.out; cat $D/x09_md5_before.txt >> $L/x09r.out
