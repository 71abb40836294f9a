# Part G: nan_policy at work (a learning rate that blows up), a resume changing nan_policy, cadences past the run's end
. $(dirname $0)/common.sh
D=$O2/g; rm -rf $D; mkdir -p $D
TAILN=5 s c20 m --config=tests/tiny_config.py:steps=4 --workdir=$D/h --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30; ls $D/h $D/h/checkpoints 2>&1
TAILN=6 s c21 m --config=tests/tiny_config.py:steps=4 --workdir=$D/k --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=skip --config.sample_every=2; ls $D/k $D/k/checkpoints $D/k/samples 2>&1
TAILN=5 s c22 m --config=tests/tiny_config.py:steps=3 --workdir=$D/p --config.sample_every=10 --config.eval_every=10 --config.checkpoint.every_steps=10 $EV; ls $D/p $D/p/checkpoints $D/p/samples 2>&1
