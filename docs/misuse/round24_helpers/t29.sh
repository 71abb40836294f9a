. /tmp/r24/env.sh
rm -rf $O/t29; mkdir -p $O/t29/shared
m --config=$CFG $EV --mode=eval --workdir=$B --step=10 --output=$O/t29/shared/base_eval.json 2>&1 | tail -1
md5sum $O/t29/shared/base_eval.json
ln -s $O/t29/shared/base_eval.json $O/t29/r.json      # the user's 'latest' link into the shared reports folder
m --config=$CFG $EV --mode=eval --workdir=$B --step=12 --output=$O/t29/r.json 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
ls -la $O/t29 $O/t29/shared | cut -c30-; md5sum $O/t29/shared/* 
for f in $O/t29/r.json $O/t29/shared/*.json $O/t29/*.json; do python3 -c "import json; d=json.load(open('$f')); print('$f', 'step', d['step'])"; done 2>&1 | sort -u
