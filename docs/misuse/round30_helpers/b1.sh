# Part B: a step set aside twice by --resume_from_step (12.superseded, 12.superseded-2), then what export / sample / Pipeline say
. $(dirname $0)/common.sh
W=$R2/b; rm -rf $W; cp -r $B $W
s z10a m --config=$CFG --workdir=$W --resume_from_step=10
ls $W/checkpoints | tee $L/z10_ls1.txt
s z10b m --config=$CFG --workdir=$W --resume_from_step=10
ls $W/checkpoints | tee $L/z10_ls2.txt
s z10c ex --workdir=$W --step=12 --output=$O2/b_exp12
s z10d ex --workdir=$W --output=$O2/b_exp
s z10e m --config=$CFG --mode=sample --workdir=$W --step=12 --num_samples=2 --output=$O2/b_s12
