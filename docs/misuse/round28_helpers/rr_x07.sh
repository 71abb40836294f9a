# X07 re-run: samples/ (and, nearby, tensorboard/, metrics/) a dangling link in a fresh training workdir
. $(dirname $0)/rr_common.sh
D=$RR/x07; rm -rf $D; mkdir -p $D
T="--config=tests/tiny_config.py:steps=8 --config.sample_every=5 --config.num_samples=4 --config.checkpoint.every_steps=100"
for c in samples tensorboard metrics; do
  mkdir $D/$c; ln -s $D/no_$c/x $D/$c/$c
  s x07_$c m $T --workdir=$D/$c
  echo "x07_$c: steps trained: $(grep -c '^step ' $L/x07_$c.out); workdir: [$(ls -A $D/$c | tr '\n' ' ')]; target parent: $(ls -d $D/no_$c 2>&1)"
done
