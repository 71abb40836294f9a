# E01-E03: a step folder's meta hand-edited (nonfinite_steps a string / negative; config.model.hidden changed), then export
. $(dirname $0)/common.sh
edit() {  # edit DIR PYTHON-EXPR-ON-d : rewrites DIR/checkpoints/12/meta/metadata
  python - "$1" "$2" <<'PY'
import json, sys
p = sys.argv[1] + "/checkpoints/12/meta/metadata"; d = json.load(open(p)); exec(sys.argv[2]); json.dump(d, open(p, "w"))
PY
}
for c in e01 e02 e03; do rm -rf $W/$c; mkdir -p $W/$c; cp -r $B $W/$c/run; done
edit $W/e01/run 'd["nonfinite_steps"] = "lots"'
edit $W/e02/run 'd["nonfinite_steps"] = -5'
edit $W/e03/run 'd["config"]["model"]["hidden"] = 64; d["config"]["model"]["mlp_hidden"] = 128'
time (TAILN=4 s e01 ex --workdir=$W/e01/run --output=$W/e01/exp); ls $W/e01/exp 2>&1; grep -i "skip\|nonfinite\|trained for" $W/e01/exp/README.md 2>/dev/null
TAILN=4 s e02 ex --workdir=$W/e02/run --output=$W/e02/exp; ls $W/e02/exp 2>&1; grep -i "skip\|nonfinite\|trained for" $W/e02/exp/README.md 2>/dev/null
TAILN=4 s e03 ex --workdir=$W/e03/run --output=$W/e03/exp; ls $W/e03/exp 2>&1; grep -o '"hidden": [0-9]*' $W/e03/exp/config.json 2>/dev/null
