# re-run of W08 (the user's samples/step_N.*), W09 (grids after --resume_from_step), W10 (--workdir=lnk/../run), W14 (checkpoints/ linked to another run's)
. $(dirname $0)/rr_common.sh
D=$RR/b; rm -rf $D; mkdir -p $D
echo "== W08"
mkdir -p $D/t1/samples
python -c "
from PIL import Image
Image.new('RGB', (40, 30), (255, 0, 0)).save('$D/t1/samples/step_000003.gif')
open('$D/t1/samples/step_000003.mp4', 'wb').write(b'my own holiday video, not a sample')"
md5sum $D/t1/samples/* | tee $D/t1_before.md5
s w08 m --config=tests/tiny_config.py:steps=3 --workdir=$D/t1 --config.sample_every=3
ls -la $D/t1/samples; md5sum -c $D/t1_before.md5; ls $D/t1/checkpoints
echo "-- W08 edge: only step_000003.mp4 is the user's (a real video, v0.mp4)"
mkdir -p $D/t1r/samples; cp $V/v0.mp4 $D/t1r/samples/step_000003.mp4; md5sum $D/t1r/samples/* | tee $D/t1r_before.md5
s w08_edge m --config=tests/tiny_config.py:steps=3 --workdir=$D/t1r --config.sample_every=3
ls -la $D/t1r/samples; md5sum -c $D/t1r_before.md5
echo "== W09"
s w09_a m --config=tests/tiny_config.py:steps=6 --workdir=$D/t2 --config.sample_every=2 --config.checkpoint.every_steps=2
ls $D/t2/checkpoints; (cd $D/t2/samples && md5sum * | tee $D/t2_first.md5)
s w09_b m --config=tests/tiny_config.py:steps=6 --workdir=$D/t2 --config.sample_every=2 --config.checkpoint.every_steps=2 --resume_from_step=4 --config.curriculum.stage1.lr=0.02 --config.curriculum.stage2.lr=0.02
ls $D/t2 $D/t2/checkpoints; (cd $D/t2/samples && md5sum * | tee $D/t2_second.md5)
echo "-- W09 edge: a second resume from 4"
s w09_c m --config=tests/tiny_config.py:steps=6 --workdir=$D/t2 --config.sample_every=2 --config.checkpoint.every_steps=2 --resume_from_step=4 --config.curriculum.stage1.lr=0.03 --config.curriculum.stage2.lr=0.03
ls $D/t2/checkpoints; (cd $D/t2/samples && md5sum *)
echo "== W10"
mkdir -p $D/t3/real/sub/deep; ln -s $D/t3/real/sub $D/t3/lnk; ln -s $D/t3/real/sub/deep $D/t3/lnk2; cp -r $B $D/t3/real/run
echo "OS view: ls lnk/../run/checkpoints = $(ls $D/t3/lnk/../run/checkpoints | tr '\n' ' ')"
s w10_sample m --config=$CFG --mode=sample --workdir=$D/t3/lnk/../run --output=$D/t3s --num_samples=2
s w10_export ex --workdir=$D/t3/lnk/../run --output=$D/t3x
s w10_pipe py -c "
from eflow_jax import Pipeline
try: p = Pipeline.from_workdir('$D/t3/lnk/../run'); print('loaded step', p.step)
except BaseException as e: print(type(e).__name__, e)"
s w10_cont m --config=tests/tiny_config.py:steps=14 --workdir=$D/t3/lnk/../run
find $D/t3 -path '*checkpoints/*' -maxdepth 4 | sort; ls $D/t3; ls $D/t3/real
echo "-- W10 edge: two '..' (lnk2 -> real/sub/deep; lnk2/../../run = real/run)"
echo "OS view: $(ls $D/t3/lnk2/../../run/checkpoints | tr '\n' ' ')"
s w10_edge m --config=$CFG --mode=sample --workdir=$D/t3/lnk2/../../run --output=$D/t3s2 --num_samples=2
s w10_edge_ex ex --workdir=$D/t3/lnk2/../../run --output=$D/t3x2
ls $D | grep t3
echo "== W14"
cp -r $B $D/t7a; mkdir -p $D/t7b; ln -s $D/t7a/checkpoints $D/t7b/checkpoints
s w14_b m --config=tests/tiny_config.py:steps=14 --workdir=$D/t7b
ls $D/t7a/checkpoints $D/t7b
s w14_a m --config=tests/tiny_config.py:steps=14 --workdir=$D/t7a
ls $D/t7a/checkpoints
echo "-- W14 edge: run a's checkpoints already on a 'big disk' ($D/big/a_ckpts), run b's linked to the same folder"
cp -r $B $D/t8a; mkdir -p $D/big; mv $D/t8a/checkpoints $D/big/a_ckpts; ln -s $D/big/a_ckpts $D/t8a/checkpoints
mkdir -p $D/t8b; ln -s $D/big/a_ckpts $D/t8b/checkpoints
s w14_edge m --config=tests/tiny_config.py:steps=14 --workdir=$D/t8b
ls $D/big/a_ckpts $D/t8b
