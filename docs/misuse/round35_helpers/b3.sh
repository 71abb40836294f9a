# eval with data.eval_path = the training set itself
. $(dirname $0)/common.sh
D=$W/ev; rm -rf $D; mkdir -p $D; cp -r $R/rs $D/run
TAILN=6 s ev1 m --config=$TINY:steps=12 --workdir=$D/run $RS --config.data.path=$O/p02/train --config.data.eval_path=$O/p02/train --mode=eval $EV --output=$D/rep.json
ls $D; python -c "import json,sys; d=json.load(open(sys.argv[1])); print({k: (v if not isinstance(v, (dict, list)) else str(v)[:300]) for k, v in d.items()})" $D/rep.json 2>&1 | cut -c1-3000
# the same 4 videos prepared again into another folder (s29: the class folders copied, plus two bad files that were skipped) as data.eval_path
TAILN=6 s ev2 m --config=$TINY:steps=12 --workdir=$D/run $RS --config.data.path=$O/p02/train --config.data.eval_path=$W/mp/s29 --mode=eval $EV --output=$D/rep2.json
python -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['protocol']['eval_set'])" $D/rep2.json 2>&1 | cut -c1-1000
python -c "import json,sys; print([json.load(open(p))['fingerprint'] if 'fingerprint' in json.load(open(p)) else sorted(json.load(open(p)))[:30] for p in sys.argv[1:]])" $O/p02/train/manifest.json $W/mp/s29/manifest.json
