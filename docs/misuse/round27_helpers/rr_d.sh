# re-run of W34 (captions that become one text at --text_length) with captions that differ in words, and W05's edge (a link into checkpoints/)
. $(dirname $0)/rr_common.sh
# note: s() sets $n, so the rd read-backs after w34_6 / w34_16 looked at a wrong path; those two were read back by hand:
#   py docs/misuse/round27_helpers/readset.py /tmp/r27/rr/d/w6 (and w16), logs /tmp/r27/rr/log/w34_read6.out / w34_read16.out
D=$RR/d; rm -rf $D; mkdir -p $D
rd() { (cd $WT && PYTHONPATH=$WT python docs/misuse/round27_helpers/readset.py "$@" 2>&1 | grep -v WARNING | cut -c1-400); }
printf '{"video": "%s/v0.mp4", "caption": "a cat sitting"}\n{"video": "%s/v1.mp4", "caption": "a cat jumping"}\n{"video": "%s/v2.mp4", "caption": "a dog running"}\n' $V $V $V > $D/words.jsonl
printf '{"video": "%s/v0.mp4", "caption": "a cat sitting"}\n{"video": "%s/v1.mp4", "caption": "a cat sitting"}\n{"video": "%s/v2.mp4", "caption": "a cat sitting"}\n' $V $V $V > $D/one.jsonl
echo "== W34"
for n in 1 3 5 6 16; do s w34_$n pd --input=$D/words.jsonl --output=$D/w$n $PD --text_encoder=$UMT5 --text_length=$n; [ -f $D/w$n/manifest.json ] && rd $D/w$n; done
echo "-- W34 edge: one distinct caption (three rows 'a cat sitting') at text_length 1"
s w34_one pd --input=$D/one.jsonl --output=$D/one1 $PD --text_encoder=$UMT5 --text_length=1
[ -f $D/one1/manifest.json ] && rd $D/one1
echo "-- W34 the original captions ('clip number N moving', the tokenizer's vocabulary maps the digits alike) at text_length 8"
s w34_orig pd --input=$O/t2v/l.jsonl --output=$D/orig8 $PD --text_encoder=$UMT5 --text_length=8
[ -f $D/orig8/manifest.json ] && rd $D/orig8
echo "== W05 edge: --compilation_cache through a link to the run's checkpoints folder"
cp -r $B $D/w05; ln -s $D/w05/checkpoints $D/cklink
s w05_edge m --config=$CFG --mode=sample --workdir=$D/w05 --output=$D/cs --num_samples=2 --compilation_cache=$D/cklink/12/xla
ls $D/w05/checkpoints/12; ls $D | grep '^cs'
