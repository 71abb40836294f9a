# Part F: text run: --prompt with --prompts_file, --class_id on a text model, eval of the text EXPORT with --output
. $(dirname $0)/common.sh
F=$O2/f; rm -rf $F; mkdir -p $F; printf 'clip number 0 moving\n' > $F/p.txt
TP="--config=$TT:steps=6 --workdir=$T2V $T2VF"
TAILN=3 s b30 m $TP --mode=sample --prompt='clip number 2 moving' --prompts_file=$F/p.txt --output=$F/b30; ls $F
TAILN=3 s b31 m $TP --mode=sample --num_samples=1 --class_id=1 --output=$F/b31; ls $F
TAILN=4 s b32 m --config=$TT:steps=6 --workdir=$O2/e/exp $T2VF --mode=eval $EV --output=$F/b32.json; ls $F $O2/e/exp
TAILN=6 s b24 py $H32/p2.py $O2/e/exp $O2/e/b24_clips
