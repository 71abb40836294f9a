# Part T2: t1 / d1's training cases again at steps=5 (steps=2 is refused by the curriculum split)
. $(dirname $0)/common.sh
T=$R2/t; D=$O2/d; rm -rf $T $R2/d/z22; mkdir -p $T
s z22 m --config=tests/tiny_config.py:steps=5 $RS --config.data.path=$D/set_missing0 --workdir=$R2/d/z22
ls $R2/d/z22 2>&1
s z28c m --config=tests/tiny_config.py:steps=5 --workdir=$T/c --config.seed=0x10
grep -n '"seed"\|seed' $T/c/parameters.txt 2>/dev/null | head -3
s z28d m --config=tests/tiny_config.py:steps=5 --workdir=$T/d --config.eval.metrics_dir=None
ls $T/d 2>&1; ls -d $WT/None 2>&1
