# Part I: what a user does after the nan runs: sample the run that saved nothing (C21), export the halted run (C20/C23)
. $(dirname $0)/common.sh
D=$O2/i; rm -rf $D; mkdir -p $D
TAILN=3 s c26 m --config=tests/tiny_config.py:steps=4 --workdir=$O2/g/k --mode=sample --num_samples=2 --output=$D/c26; ls $D $O2/g/k
TAILN=3 s c27 ex --workdir=$O2/g/h --output=$D/hexp; ls $D/hexp; grep -i "trained for\|Measured" -A1 $D/hexp/README.md | head -5
TAILN=3 s c28 m --config=tests/tiny_config.py:steps=4 --workdir=$O2/g/h --mode=sample --step=1 --num_samples=2 --output=$D/c28; ls $D
