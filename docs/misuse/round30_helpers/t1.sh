# Part T: training --config overrides of odd types (fresh workdirs, tiny_config steps=2)
. $(dirname $0)/common.sh
T=$R2/t; rm -rf $T; mkdir -p $T
s z28a m --config=tests/tiny_config.py:steps=2 --workdir=$T/a --config.total_steps=True
s z28b m --config=tests/tiny_config.py:steps=2 --workdir=$T/b --config.model.num_classes=10.0
s z28c m --config=tests/tiny_config.py:steps=2 --workdir=$T/c --config.seed=0x10
s z28d m --config=tests/tiny_config.py:steps=2 --workdir=$T/d --config.eval.metrics_dir=None
ls $T/*; ls -d $WT/None 2>&1
