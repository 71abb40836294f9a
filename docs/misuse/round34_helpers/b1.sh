# D03-D04, D07: the export probe on a text run, on an older step, and what it costs
. $(dirname $0)/common.sh
D=$W/d03; rm -rf $D; mkdir -p $D; cp -r $T2V $D/run
TAILN=4 s d03 ex --workdir=$D/run --output=$D/exp
ls $D/exp; grep -n "skipped\|trained for\|pipe(" $D/exp/README.md | head
D=$W/d04; rm -rf $D; mkdir -p $D; cp -r $B $D/run; ls $D/run/checkpoints
TAILN=4 s d04 ex --workdir=$D/run --output=$D/exp --step=10
python -c "import json; d=json.load(open('$D/exp/config.json')); print('step', d['step'])"; grep -n "step" $D/exp/README.md | head -5
TAILN=4 s d04b ex --workdir=$D/run --output=$D/exp      # then the newest into the same folder
python -c "import json; d=json.load(open('$D/exp/config.json')); print('step', d['step'])"
# D07: time the export, and its probe alone
s d07 py $H34/ptime.py $D/run
