# X05-X09: the checkpoints/ and samples/ folders of a fresh training workdir in odd states; grids after SIGKILL
. $(dirname $0)/common.sh
D=$R2/c2; rm -rf $D; mkdir -p $D
T="--config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4"
mkdir $D/x05; echo "my notes" > $D/x05/checkpoints
s x05 m $T --workdir=$D/x05; echo "x05 checkpoints: $(file $D/x05/checkpoints; cat $D/x05/checkpoints 2>/dev/null)"
mkdir $D/x06; ln -s $D/nowhere/ck $D/x06/checkpoints
s x06 m $T --workdir=$D/x06; echo "x06: $(ls -la $D/x06 | tail -n +2 | tr '\n' ';') nowhere: $(ls -R $D/nowhere 2>&1 | tr '\n' ' ')"
mkdir $D/x07; ln -s $D/nosamples/s $D/x07/samples
s x07 m $T --workdir=$D/x07; echo "x07: ckpts $(ls $D/x07/checkpoints 2>&1 | tr '\n' ' ') samples: $(ls -R $D/nosamples 2>&1 | tr '\n' ' ')"
mkdir -p $D/x08/samples/step_000002.gif $D/x08/samples/step_000004.mp4; echo keep > $D/x08/samples/step_000002.gif/mine.txt
s x08 m $T --workdir=$D/x08; echo "x08: $(find $D/x08/samples | sort | tr '\n' ' ')"
