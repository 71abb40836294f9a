. /tmp/r24/env.sh
rm -rf $O/t16; mkdir -p $O/t16
(m --config=$CFG $EV --mode=eval --workdir=$B --step=10 --output=$O/t16/r.json > $O/t16/e10.log 2>&1) &
sleep 1
(m --config=$CFG $EV --mode=eval --workdir=$B --step=12 --output=$O/t16/r.json > $O/t16/e12.log 2>&1) &
wait
for s in 10 12; do echo "== step $s"; grep -v WARNING $O/t16/e$s.log | cut -c1-400 | tail -3; done
ls $O/t16; python3 -c "import json; d=json.load(open('$O/t16/r.json')); print('r.json step', d.get('step'), 'fd', d.get('classifier_fd'))"
for f in $O/t16/*.json; do python3 -c "import json,sys; d=json.load(open('$f')); print('$f', d.get('step'), d.get('classifier_fd'))"; done
