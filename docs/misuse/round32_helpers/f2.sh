# Part F2 (the rest of f1.sh, which was stopped during b32 as it overlapped d2.sh): eval of the text EXPORT; B24's comparison again
. $(dirname $0)/common.sh
F=$O2/f; TP="--config=$TT:steps=6 --workdir=$T2V $T2VF"
TAILN=4 s b32 m --config=$TT:steps=6 --workdir=$O2/e/exp $T2VF --mode=eval $EV --output=$F/b32.json; ls $F $O2/e/exp
TAILN=6 s b24 py $H32/p2.py $O2/e/exp $O2/e/b24_clips
