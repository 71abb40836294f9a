. /tmp/r24/env.sh
rm -rf $O/t26ex $O/t26; ex --workdir=$R/t13 --output=$O/t26ex 2>&1 | tail -1
mv $O/t13/set $O/t13/set_moved
echo "== sample export, no data.path, set moved"; m --config=$CFG $RS --mode=sample --workdir=$O/t26ex --output=$O/t26/a --num_samples=2 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== sample run, no data.path, set moved"; m --config=$CFG $RS --mode=sample --workdir=$R/t13 --output=$O/t26/b --num_samples=2 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== eval export, no data.path"; m --config=$CFG $RS $EV --mode=eval --workdir=$O/t26ex --output=$O/t26/r.json 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== eval export, data.path = moved set"; m --config=$CFG $RS $EV --mode=eval --workdir=$O/t26ex --config.data.path=$O/t13/set_moved --output=$O/t26/r.json 2>&1 | grep -v WARNING | cut -c1-400 | tail -2
mv $O/t13/set_moved $O/t13/set
ls $O/t26 2>&1
