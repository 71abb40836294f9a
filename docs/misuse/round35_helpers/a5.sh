# E18-E21: exports: again after training further, of an export, two steps into one folder, into the run folder itself
. $(dirname $0)/common.sh
D=$W/x; rm -rf $D; mkdir -p $D; cp -r $B $D/run; 
TAILN=3 s e18a ex --workdir=$D/run --output=$D/exp; md5sum $D/exp/model.safetensors; grep -o '"step": [0-9]*' $D/exp/config.json | tail -1
TAILN=3 s e18t m --config=$TINY:steps=14 --workdir=$D/run
TAILN=4 s e18 ex --workdir=$D/run --output=$D/exp; md5sum $D/exp/model.safetensors; grep -o '"step": [0-9]*' $D/exp/config.json | tail -1; grep -o "trained for [0-9]* steps[^.]*" $D/exp/README.md; ls $D/exp
# E19: an export given as --workdir
cp -r $EX $D/ex_copy
TAILN=3 s e19 ex --workdir=$D/ex_copy --output=$D/exp_of_exp; ls $D/exp_of_exp 2>&1
# E20: steps 10 then 12 of one run into one folder; then 10 again
TAILN=2 s e20a ex --workdir=$B --output=$D/two --step=10; md5sum $D/two/model.safetensors
TAILN=2 s e20b ex --workdir=$B --output=$D/two --step=12; md5sum $D/two/model.safetensors; grep -o "trained for [0-9]* steps[^.]*" $D/two/README.md; ls $D/two
python -c "import json,sys; d=json.load(open(sys.argv[1])); print('step', d['step'], 'run_id', d.get('run_id'))" $D/two/config.json
# E21: --output the run folder itself
TAILN=3 s e21 ex --workdir=$D/run --output=$D/run; ls $D/run
