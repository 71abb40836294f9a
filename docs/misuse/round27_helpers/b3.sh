# training edges: samples/ grids on a fresh run and after --resume_from_step; --workdir through link/..; odd workdir names
. $(dirname $0)/common.sh
D=$O2/b3; rm -rf $D; mkdir -p $D
echo "== T1 fresh workdir whose samples/ holds the user's own step_000003.gif / .mp4"
rm -rf $R2/t1; mkdir -p $R2/t1/samples
python -c "
from PIL import Image
Image.new('RGB', (40, 30), (255, 0, 0)).save('$R2/t1/samples/step_000003.gif')
open('$R2/t1/samples/step_000003.mp4', 'wb').write(b'my own holiday video, not a sample')"
md5sum $R2/t1/samples/*
s t1 m --config=tests/tiny_config.py:steps=3 --workdir=$R2/t1 --config.sample_every=3
ls -la $R2/t1/samples; md5sum $R2/t1/samples/*
echo "== T2 grids of steps trained again after --resume_from_step"
rm -rf $R2/t2
s t2_a m --config=tests/tiny_config.py:steps=6 --workdir=$R2/t2 --config.sample_every=2 --config.checkpoint.every_steps=2
ls $R2/t2/samples $R2/t2/checkpoints; md5sum $R2/t2/samples/*
s t2_b m --config=tests/tiny_config.py:steps=6 --workdir=$R2/t2 --config.sample_every=2 --config.checkpoint.every_steps=2 --resume_from_step=2 --config.lr=0.05
ls $R2/t2/samples $R2/t2/checkpoints $R2/t2; md5sum $R2/t2/samples/*
echo "== T3 --workdir through a symbolic link then .."
mkdir -p $D/t3/real/sub; ln -s $D/t3/real/sub $D/t3/lnk
s t3_train m --config=tests/tiny_config.py:steps=2 --workdir=$D/t3/lnk/../run
find $D/t3 -maxdepth 3 | sort
s t3_sample m --config=tests/tiny_config.py:steps=2 --mode=sample --workdir=$D/t3/lnk/../run --output=$D/t3s --num_samples=2
s t3_export ex --workdir=$D/t3/lnk/../run --output=$D/t3x
s t3_cont m --config=tests/tiny_config.py:steps=3 --workdir=$D/t3/lnk/../run
find $D/t3 -maxdepth 4 -name checkpoints -o -maxdepth 4 -name '[0-9]' | sort
