# Part E: text run: eval, odd prompts files; eval/sample --output edge values
. $(dirname $0)/common.sh
E=$O2/e; rm -rf $E; mkdir -p $E/home; md5sum $T2V/checkpoints/*/state/* 2>/dev/null | md5sum > $E/t2v_md5_before; ls -la $T2V > $E/t2v_ls_before
TP="--config=$TT:steps=6 --workdir=$T2V $T2VF"
TAILN=6 s a14 m $TP --mode=eval $EV --output=$E/a14.json; ls -la $E; python -c "import json; d=json.load(open('$E/a14.json')); print({k: d[k] for k in list(d)[:12]})" 2>&1 | cut -c1-700
printf 'clip number 2 moving\ncaf\xe9 au lait\n' > $E/latin1.txt
TAILN=4 s a15 m $TP --mode=sample --prompts_file=$E/latin1.txt --output=$E/a15; ls $E/a15_clips 2>&1; cat $E/a15_clips/captions.txt 2>&1 | cat -A | head
printf 'clip number 2 moving\n' > $E/home/p.txt
HOME=$E/home TAILN=4 s a16 m $TP --mode=sample --prompts_file "~/p.txt" --output=$E/a16; ls $E/a16_clips 2>&1 | head -3
HOME=$E/home TAILN=4 s a17 m $TP --mode=sample --prompts_file=~/p.txt --num_samples=3 --output=$E/a17; ls $E/a17_clips 2>&1 | head -5
ls -la $T2V > $E/t2v_ls_after; diff $E/t2v_ls_before $E/t2v_ls_after && echo T2V_UNCHANGED
