# R02: a run trained with a relative data.path, evaluated (run and export) from another folder with the same relative layout
. /tmp/r22/env.sh
set -x
# a relative data.path: the same layout (data/train) in two project folders A and B
mkdir -p $O/r02/A/data $O/r02/B/data
cp -r $O/p02/train $O/r02/A/data/train          # v0..v3 (cat/dog)
cp -r $O/r01/train $O/r02/B/data/train          # v4..v7 (another project's cat/dog set)
M() { PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main "$@"; echo "rc=$?"; }
(cd $O/r02/A && M --config=$WT/tests/tiny_config.py:steps=12 --workdir=$R/r02 $RS --config.data.path=data/train)
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.tools.export --workdir=$R/r02 --output=$O/r02ex; echo rc=$?)
python -c "import json;print(json.load(open('$O/r02ex/config.json'))['trained_sets'])"
# the export evaluated from project B's folder, its data.path relative the same way; eval set = 2 TRAINING clips (v0, v2)
(cd $O/r02/B && M --config=$WT/tests/tiny_config.py:steps=12 --workdir=$O/r02ex $RS --config.data.path=data/train --mode=eval $EV --config.data.eval_path=$O/r01/ev --output=$O/r02/ev_B.json)
python -c "import json;print(json.load(open('$O/r02/ev_B.json'))['protocol']['eval_set'])"
# and the run itself evaluated from B
(cd $O/r02/B && M --config=$WT/tests/tiny_config.py:steps=12 --workdir=$R/r02 $RS --config.data.path=$O/r02/A/data/train --mode=eval $EV --config.data.eval_path=$O/r01/ev --output=$O/r02/ev_runB.json)
python -c "import json;print(json.load(open('$O/r02/ev_runB.json'))['protocol']['eval_set'])"
