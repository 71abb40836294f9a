# E04-E08: checkpoints/ folder damage: stray entries, another run's step folder, a partial step, an edited meta step, set-aside steps
. $(dirname $0)/common.sh
for c in e04 e05 e06 e07 e08; do rm -rf $W/$c; mkdir -p $W/$c; cp -r $B $W/$c/run; done
# E04: a stray folder and a stray file in checkpoints/
mkdir $W/e04/run/checkpoints/backup_old; echo hi > $W/e04/run/checkpoints/notes.txt; cp -r $B/checkpoints/10 $W/e04/run/checkpoints/12_copy
TAILN=4 s e04 ex --workdir=$W/e04/run --output=$W/e04/exp; ls $W/e04/exp 2>&1
TAILN=4 s e04b m --config=$TINY:steps=14 --workdir=$W/e04/run; ls $W/e04/run/checkpoints
# E05: run rs's step 12 (2 classes, 3 channels) copied in as this run's step 20
cp -r $R/rs/checkpoints/12 $W/e05/run/checkpoints/20
TAILN=4 s e05 ex --workdir=$W/e05/run --output=$W/e05/exp; ls $W/e05/exp 2>&1; grep -o '"num_classes": [0-9]*' $W/e05/exp/config.json 2>/dev/null
TAILN=4 s e05b m --config=$TINY:steps=12 --workdir=$W/e05/run --mode=sample --num_samples=1 --output=$W/e05/s
# E06: step 12 without its state/ item (default step = newest)
rm -rf $W/e06/run/checkpoints/12/state
TAILN=4 s e06 ex --workdir=$W/e06/run --output=$W/e06/exp; ls $W/e06/exp 2>&1; grep -o "trained for [0-9]* steps" $W/e06/exp/README.md 2>/dev/null
# E07: meta "step" of folder 12 edited to 99
python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); d['step']=99; json.dump(d,open(p,'w'))" $W/e07/run/checkpoints/12/meta/metadata
TAILN=4 s e07 ex --workdir=$W/e07/run --output=$W/e07/exp; ls $W/e07/exp 2>&1; grep -o "trained for [0-9]* steps[^.]*" $W/e07/exp/README.md 2>/dev/null
# E08: step 12 set aside as 12.superseded, export --step=12 and default
mv $W/e08/run/checkpoints/12 $W/e08/run/checkpoints/12.superseded
TAILN=4 s e08 ex --workdir=$W/e08/run --output=$W/e08/exp --step=12; ls $W/e08/exp 2>&1
TAILN=4 s e08b ex --workdir=$W/e08/run --output=$W/e08/expb; grep -o "trained for [0-9]* steps[^.]*" $W/e08/expb/README.md 2>/dev/null
