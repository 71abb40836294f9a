# Part C: the text run: --prompt edges, sampler / steps / guidance edges (on a copy of the text run)
. $(dirname $0)/common.sh
C=$O2/c; rm -rf $C; mkdir -p $C; cp -r $T2V $C/t2v
TP="--config=$TT:steps=6 --workdir=$C/t2v $T2VF"
LONG=$(python -c "print(' '.join(['clip number 2 moving']*300))")
TAILN=5 s b12 m $TP --mode=sample --num_samples=1 --prompt="$LONG" --output=$C/b12; ls $C/b12_clips; head -c 200 $C/b12_clips/captions.txt 2>/dev/null; echo
TAILN=5 s b13 m $TP --mode=sample --num_samples=2 --prompt='?!... ;;' --output=$C/b13; ls $C/b13_clips; cat $C/b13_clips/captions.txt 2>/dev/null
TAILN=5 s b14 m $TP --mode=sample --num_samples=2 --prompt="$(printf 'clip number 2\nmoving')" --output=$C/b14; ls $C/b14_clips; cat -A $C/b14_clips/captions.txt 2>/dev/null
TAILN=5 s b15 m $TP --mode=sample --num_samples=2 --prompt= --output=$C/b15; ls $C/b15_clips 2>&1
for g in nan inf -1 1e30; do TAILN=3 s b16_$g m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --guidance=$g --output=$C/b16_$g; done
for st in 0 -1 100000; do TAILN=3 s b17_$st m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=one_step --sample_steps=$st --output=$C/b17_$st; done
TAILN=3 s b18_ecfg0 m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=euler_cfg --guidance=0 --output=$C/b18_ecfg0
TAILN=3 s b18_alg2 m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=alg2 --sample_steps=1 --guidance=1e6 --output=$C/b18_alg2
ls $C; diff <(ls -laR $T2V) <(ls -laR $T2V) >/dev/null
