# Part E: the text run exported; Pipeline.from_pretrained with prompts of odd container kinds; against --mode=sample
. $(dirname $0)/common.sh
E=$O2/e; rm -rf $E; mkdir -p $E
TAILN=3 s b23x ex --workdir=$T2V --output=$E/exp; ls $E/exp
TAILN=12 s b23 py $H32/p1.py $E/exp
TAILN=4 s b24s m --config=$TT:steps=6 --workdir=$E/exp $T2VF --mode=sample --num_samples=2 --prompt='clip number 2 moving' --seed=3 --output=$E/b24; ls $E/b24_clips
TAILN=4 s b24 py $H32/p2.py $E/exp $E/b24_clips
