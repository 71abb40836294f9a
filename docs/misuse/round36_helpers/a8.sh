# F11: config.json inference_shift -0.5 / 1e-6; F07b: another run's newer step with its lineage edited ("edited", or naming
# this run); F29: an old (no lineage) run trained on by this commit; F30: a sibling branch's step put into the first run
. $(dirname $0)/common.sh
cd $W; rm -rf x_sneg x_stiny n9b g1 g2 b30
cp -r $EX x_sneg; python $H/medit.py x_sneg/config.json 'd["config"]["flow"]["inference_shift"] = -0.5'
cp -r $EX x_stiny; python $H/medit.py x_stiny/config.json 'd["config"]["flow"]["inference_shift"] = 1e-6'
TAILN=3 s f11 py $W/p10.py $W/x_sneg $W/x_stiny
TAILN=1 s f07a m --config=$TINY:steps=16 --workdir=$W/n9b; ls n9b/checkpoints
cp -r n1 g1; cp -r n9b/checkpoints/16 g1/checkpoints/16; python $H/medit.py g1/checkpoints/16/meta/metadata 'd["lineage"] = "edited"'
TAILN=3 s f07b ex --workdir=$W/g1 --output=$W/g1_exp; ls g1_exp 2>&1
cp -r n1 g2; cp -r n9b/checkpoints/16 g2/checkpoints/16; python $H/medit.py g2/checkpoints/16/meta/metadata 'd["lineage"] = [json.load(open("n1/checkpoints/12/meta/metadata"))["run_id"]] + d["lineage"]'
TAILN=3 s f07c ex --workdir=$W/g2 --output=$W/g2_exp; ls g2_exp 2>&1
cp -r $B b30; TAILN=2 s f29 m --config=$TINY:steps=14 --workdir=$W/b30; python $H/lin.py b30
TAILN=2 s f29b ex --workdir=$W/b30 --output=$W/b30_exp --step=10
# F30: n1 itself trained on to 14 (its own id), then n3's step 16 (a grandchild forked from n1's step 12) copied in
TAILN=1 s f30a m --config=$TINY:steps=14 --workdir=$W/n1; cp -r n3/checkpoints/16 n1/checkpoints/16; python $H/lin.py n1
TAILN=3 s f30 ex --workdir=$W/n1 --output=$W/n1_exp30; grep -o "trained for [^.]*" n1_exp30/README.md
TAILN=3 s f30b m --config=$TINY:steps=18 --workdir=$W/n1; python $H/lin.py n1; python -c "
import json; print([json.loads(l)['step'] for l in open('n1/metrics.jsonl') if 'step' in json.loads(l)][-10:])"
