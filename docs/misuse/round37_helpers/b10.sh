# a run with a stage's own data_path set (stage 2 on pt3, stage 1 on rsA); exported; then the stage-3 set deleted and exported / sampled again
. $(dirname $0)/common.sh
rm -rf $W/ms $W/ms_ex $W/ms_ex2 $W/pt3c; cp -r $W/pt3 $W/pt3c
s g21a m --config=$TINY:steps=6 --workdir=$W/ms $RS --config.data.path=$W/rsA --config.curriculum.stage2.data_path=$W/pt3c
TAILN=4 s g21 ex --workdir=$W/ms --output=$W/ms_ex
grep -i "data\|set\|rsA\|pt3" $W/ms_ex/README.md | head -8; python -c "import json;c=json.load(open('$W/ms_ex/config.json'));print('config data.path', c.get('config',c).get('data',{}).get('path'))" 2>&1 | tail -1
rm -rf $W/pt3c
TAILN=4 s g22 ex --workdir=$W/ms --output=$W/ms_ex2
TAILN=4 s g22b m --config=$TINY:steps=6 --workdir=$W/ms --mode=sample --output=$W/ms_s --num_samples=2 $RS --config.data.path=$W/rsA --config.curriculum.stage2.data_path=$W/pt3c
# the same sample without the stage's data_path flag (its set deleted)
TAILN=4 s g22c m --config=$TINY:steps=6 --workdir=$W/ms --mode=sample --output=$W/ms_s --num_samples=2 $RS --config.data.path=$W/rsA
