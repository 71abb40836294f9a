# Part B: training grids after TWO resumes over the same steps; user files already at set-aside names; samples/ immutable
. $(dirname $0)/common.sh
G="--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=10"
W=$R2/b1; rm -rf $W
s y09a m --config=tests/tiny_config.py:steps=6 $G --workdir=$W
md5sum $W/samples/* > $L/y09_md5_0.txt
s y09b m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2 --config.curriculum.stage1.lr=0.02 --config.curriculum.stage2.lr=0.02
md5sum $W/samples/* > $L/y09_md5_1.txt
s y09c m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2 --config.curriculum.stage1.lr=0.05 --config.curriculum.stage2.lr=0.05
md5sum $W/samples/* > $L/y09_md5_2.txt
ls $W/checkpoints; for i in 0 1 2; do echo "--- md5 after run $i"; cat $L/y09_md5_$i.txt; done
# Y10: the user's own files at the set-aside names, then a resume
W=$R2/b2; rm -rf $W; mkdir -p $W/samples
python -c "from PIL import Image; Image.new('RGB',(40,30),(255,0,0)).save('$W/samples/step_000004.superseded.gif')"
echo "my own mp4 notes" > $W/samples/step_000004.superseded.mp4
md5sum $W/samples/* | tee $L/y10_md5_user.txt
s y10a m --config=tests/tiny_config.py:steps=6 $G --workdir=$W
md5sum $W/samples/* > $L/y10_md5_0.txt
s y10b m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2
md5sum $W/samples/* > $L/y10_md5_1.txt; cat $L/y10_md5_0.txt; echo ---; cat $L/y10_md5_1.txt
md5sum -c $L/y10_md5_user.txt
