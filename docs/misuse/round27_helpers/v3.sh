# D4 read-back (b8.sh's rd was given a wrong path: its s() had overwritten $n): per-record text embeddings of sets at text_length 1, 2, 8
. $(dirname $0)/common.sh
for n in 1 2 8; do echo "== text_length=$n"; (cd $WT && PYTHONPATH=$WT python docs/misuse/round27_helpers/readset.py $O2/b8/d4_$n 2>&1 | grep -v WARNING | cut -c1-400); done
(cd $WT && PYTHONPATH=$WT python -c "
from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained('$UMT5')
for c in ['clip number %d moving' % i for i in range(4)]: ids = t(c).input_ids; print(len(ids), ids[:8], c)
" 2>&1 | grep -v WARNING | tail -4)
echo "== D1/D7 check: the caption list without --text_encoder, with --text_length=77"
rm -rf $O2/b8/d8; s d8_noenc pd --input=$O/t2v/l.jsonl --output=$O2/b8/d8 $PD --text_length=77
