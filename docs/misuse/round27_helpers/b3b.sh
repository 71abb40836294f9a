# b3.sh's T2 and T3 redone (harness fixes: no field 'lr'; checkpoint 2 was pruned; tiny_config needs steps >= 3)
. $(dirname $0)/common.sh
D=$O2/b3; mkdir -p $D
echo "== T2 grids of steps trained again after --resume_from_step (checkpoints 4 5 6 of a 6-step run)"
rm -rf $R2/t2
s t2_a m --config=tests/tiny_config.py:steps=6 --workdir=$R2/t2 --config.sample_every=2 --config.checkpoint.every_steps=2
ls $R2/t2/checkpoints; md5sum $R2/t2/samples/*; cp -r $R2/t2/samples $D/t2_samples_before
s t2_b m --config=tests/tiny_config.py:steps=6 --workdir=$R2/t2 --config.sample_every=2 --config.checkpoint.every_steps=2 --resume_from_step=4 --config.curriculum.stage1.lr=0.02 --config.curriculum.stage2.lr=0.02
ls $R2/t2 $R2/t2/checkpoints $R2/t2/samples; md5sum $R2/t2/samples/*
ls $R2/t2/*.superseded* 2>/dev/null; grep -c resumed_at $R2/t2/metrics.superseded.jsonl 2>/dev/null
echo "== T3 --workdir through a symbolic link then .. where the OS path holds a run"
rm -rf $D/t3; mkdir -p $D/t3/real/sub; ln -s $D/t3/real/sub $D/t3/lnk; cp -r $B $D/t3/real/run
echo "OS view: ls lnk/../run = $(ls $D/t3/lnk/../run | tr '\n' ' '); checkpoints $(ls $D/t3/lnk/../run/checkpoints | tr '\n' ' ')"
s t3_sample m --config=$CFG --mode=sample --workdir=$D/t3/lnk/../run --output=$D/t3s --num_samples=2
s t3_export ex --workdir=$D/t3/lnk/../run --output=$D/t3x
s t3_pipe py -c "
from eflow_jax import Pipeline
try: p = Pipeline.from_workdir('$D/t3/lnk/../run'); print('loaded step', p.step)
except BaseException as e: print(type(e).__name__, e)"
s t3_cont m --config=tests/tiny_config.py:steps=14 --workdir=$D/t3/lnk/../run
find $D/t3 -maxdepth 4 -path '*checkpoints/*' | sort
