# --mode=eval on the text run (the tiny UMT5; prompts come from the eval set's captions?)
. $(dirname $0)/common.sh
TAILN=4 s g25 m --config=$TT:steps=6 --workdir=$W/t2v_c $T2VF --mode=eval $EV
ls $W/t2v_c
