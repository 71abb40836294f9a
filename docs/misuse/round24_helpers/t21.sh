. /tmp/r24/env.sh
rm -rf $R/t21 $O/t21; cp -r $B $R/t21; mkdir -p $O/t21
chattr +i $R/t21/checkpoints
echo "== sample"; m --config=$CFG --mode=sample --workdir=$R/t21 --output=$O/t21/s --num_samples=2 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
echo "== eval"; m --config=$CFG $EV --mode=eval --workdir=$R/t21 --output=$O/t21/r.json 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
echo "== export"; ex --workdir=$R/t21 --output=$O/t21/ex 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== pipeline"; py -c "from eflow_jax import Pipeline; p=Pipeline.from_workdir('$R/t21'); print(p(class_ids=[1], steps=2).shape)" 2>&1 | grep -v WARNING | tail -2
chattr -i $R/t21/checkpoints
echo "== step folder 10 immutable, continue 12 -> 16 keeping 2"
chattr +i $R/t21/checkpoints/10
m --config=tests/tiny_config.py:steps=16 --workdir=$R/t21 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=2 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -5
chattr -i $R/t21/checkpoints/10
ls $R/t21/checkpoints | tr '\n' ' '; echo; ls $R/t21/checkpoints/10
