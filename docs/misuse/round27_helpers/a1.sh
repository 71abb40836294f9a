# Part A: round 26's fixed cases V04 V08 V15 V25 V29 V33 re-run on /tmp/r27 fixtures (. /tmp/r27/env.sh)
. /tmp/r27/env.sh
L=/tmp/r27/log; O2=/tmp/r27/out2/a; R2=/tmp/r27/runs2; rm -rf $O2; mkdir -p $O2 $L
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -2 | cut -c1-600)"; }
echo "== V04"
for o in x.gif. name. .gif; do s "A_v04_$o" m --config=$CFG --mode=sample --workdir=$B --output="$O2/v04/$o" --num_samples=2; done
ls -la $O2/v04 2>&1
echo "== V08"
s A_v08 m --config=$CFG $RS --config.data.path=$O/p02/train --mode=sample --workdir=$R/rs --output=$O2/v08rs2 --num_samples=4000
ls $O2 | grep v08
echo "== V15"
s A_v15_d pd --input=$O/p02/in --output=$O2/pd $PD --process_index=1; ls $O2/pd 2>&1
s A_v15_e pd --input=$O/p02/in --output=$O2/pe $PD --process_count=2; ls $O2/pe 2>&1
echo "== V25"
for a in 0 -1 100000; do s A_v25_$a pd --input=$O/t2v/l.jsonl --output=$O2/t$a $PD --text_encoder=$UMT5 --text_length=$a; ls $O2/t$a 2>&1; done
echo "== V29"
rm -rf $R2/a_v29; cp -r $B $R2/a_v29
s A_v29 m --config=$CFG $EV --mode=eval --workdir=$R2/a_v29 --output=$O2/e.json --config.eval.num_samples=1000000; ls $O2 | grep e.json
echo "== V33"
python -c "print('\n'.join('clip number %d moving' % (i % 4) for i in range(5000)))" > $O2/many.txt
s A_v33 m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/s_many --prompts_file=$O2/many.txt; ls $O2 | grep s_many
