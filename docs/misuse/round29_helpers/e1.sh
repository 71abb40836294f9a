# Part E: prepare_data captions (unicode normalisation, duplicates, case/space) and class-folder layouts
. $(dirname $0)/common.sh
E=$O2/e; rm -rf $E; mkdir -p $E
TX="--text_encoder=$UMT5 --text_length=8"
python - <<PY
import json, unicodedata
V = "$V"
def w(name, caps):
  with open(f"$E/{name}.jsonl", "w", encoding="utf-8") as f:
    for i, c in enumerate(caps):
      f.write(json.dumps({"video": f"{V}/v{i}.mp4", "caption": c}, ensure_ascii=False) + "\n")
nfc = unicodedata.normalize("NFC", "un café chaud"); nfd = unicodedata.normalize("NFD", "un café chaud")
print("NFC", nfc.encode(), "NFD", nfd.encode())
w("nf", [nfc, nfd, "a dog runs", "a cat sits"])                  # Y19: the same caption in two normal forms
w("dup", ["a cat runs", "a cat runs", "a dog runs", "a dog runs"])  # Y20: two clips each, same caption on purpose
w("case", ["a cat runs", "A cat runs", "a cat  runs", " a cat runs"])  # Y21: case / double space / leading space
PY
s y19 pd --input=$E/nf.jsonl --output=$E/nf_set $PD $TX
s y20 pd --input=$E/dup.jsonl --output=$E/dup_set $PD $TX
s y21 pd --input=$E/case.jsonl --output=$E/case_set $PD $TX
for n in y19 y20 y21; do echo "== $n"; grep -v 'WARNING:absl' $L/$n.out; done
for n in nf dup case; do echo "== $n set"; (cd $WT && PYTHONPATH=$WT python $H29/readset.py $E/${n}_set 2>&1 | grep -v WARNING); done
