# Y13: a second workdir whose checkpoints/ links to a finished run's checkpoints: sample / export / eval / Pipeline.from_workdir through it
. $(dirname $0)/common.sh
rm -rf $R2/c2; mkdir -p $R2/c2/b; cp -r $B $R2/c2/a; ln -s $R2/c2/a/checkpoints $R2/c2/b/checkpoints
s y13s m --config=$CFG --mode=sample --workdir=$R2/c2/b --num_samples=2 --output=$O2/c2/s
s y13e ex --workdir=$R2/c2/b --output=$O2/c2/exp
s y13v m --config=$CFG --mode=eval --workdir=$R2/c2/b $EV
s y13p py -c "import eflow_jax; p=eflow_jax.Pipeline.from_workdir('$R2/c2/b'); print('pipeline step', p.step)"
ls -la $R2/c2/a $R2/c2/b
