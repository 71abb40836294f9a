. /tmp/r24/env.sh
L=$(python3 -c "print('x'*300)")
echo "== sample --output long name"; m --config=$CFG --mode=sample --workdir=$B --output=$O/t12/$L 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== sample --output long folder"; m --config=$CFG --mode=sample --workdir=$B --output=$O/t12/$L/a 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== eval --output long name"; m --config=$CFG $EV --mode=eval --workdir=$B --output=$O/t12/$L.json 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== export long"; ex --workdir=$B --output=$O/t12/$L 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== pd long"; pd --input=$O/p02/in --output=$O/t12/$L $PD 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== train long"; m --config=tests/tiny_config.py:steps=6 --workdir=$R/$L 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
find $O/t12 $R -maxdepth 1 -newer /tmp/r24/cases/t12.sh | head
