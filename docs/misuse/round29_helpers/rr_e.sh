# re-run of Y22 (e1.sh, case.jsonl part)
. $(dirname $0)/rr_common.sh
E=$O2/e_rr; rm -rf $E; mkdir -p $E
python - <<PY
import json
with open("$E/case.jsonl", "w", encoding="utf-8") as f:
  for i, c in enumerate(["a cat runs", "A cat runs", "a cat  runs", " a cat runs"]):
    f.write(json.dumps({"video": f"$V/v{i}.mp4", "caption": c}, ensure_ascii=False) + "\n")
PY
TAILN=6 s y22 pd --input=$E/case.jsonl --output=$E/case_set $PD --text_encoder=$UMT5 --text_length=8
grep -v 'WARNING:absl' $L/y22.out
(cd $WT && PYTHONPATH=$WT python $H29/readset.py $E/case_set 2>&1 | grep -v WARNING)
