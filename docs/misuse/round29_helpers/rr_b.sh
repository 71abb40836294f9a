# re-run of Y10 (b1.sh part 2), Y11 (b2.sh), Y35 (b3.sh) in fresh folders (suffix _rr)
. $(dirname $0)/rr_common.sh
G="--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=10"
# Y10: the user's own files at the set-aside names, then a resume, then a second resume
W=$R2/b2_rr; rm -rf $W; mkdir -p $W/samples
python -c "from PIL import Image; Image.new('RGB',(40,30),(255,0,0)).save('$W/samples/step_000004.superseded.gif')"
echo "my own mp4 notes" > $W/samples/step_000004.superseded.mp4
md5sum $W/samples/* > $L/y10_md5_user.txt
s y10a m --config=tests/tiny_config.py:steps=6 $G --workdir=$W
md5sum $W/samples/* > $L/y10_md5_0.txt
TAILN=12 s y10b m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2
md5sum $W/samples/* > $L/y10_md5_1.txt; cat $L/y10_md5_1.txt
grep -i 'superseded\|set aside\|renamed' $L/y10b.out | cut -c1-600
md5sum -c $L/y10_md5_user.txt
rm -rf $R2/b4_rr; cp -r $W $R2/b4_rr     # for Y35: the run after ONE resume (as b3.sh copied b2)
TAILN=12 s y10c m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2
grep -i 'superseded\|set aside\|renamed' $L/y10c.out | cut -c1-600
ls $W/samples; ls $W/checkpoints; md5sum -c $L/y10_md5_user.txt
# Y11: samples/ immutable before training with grids
W=$R2/b3_rr; chattr -i $W/samples 2>/dev/null; rm -rf $W; mkdir -p $W/samples; chattr +i $W/samples && lsattr -d $W/samples
s y11 m --config=tests/tiny_config.py:steps=4 --config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --workdir=$W
ls -la $W $W/samples; chattr -i $W/samples
# Y35: an immutable grid under --resume_from_step
W=$R2/b4_rr; chattr +i $W/samples/step_000004.gif
(cd $W && find . -type f -o -type d | sort | xargs -d '\n' md5sum 2>/dev/null; find . | sort) > $L/y35_tree_before.txt
s y35 m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2
grep -v 'WARNING:absl\|^step ' $L/y35.out | cut -c1-700
(cd $W && find . -type f -o -type d | sort | xargs -d '\n' md5sum 2>/dev/null; find . | sort) > $L/y35_tree_after.txt
diff $L/y35_tree_before.txt $L/y35_tree_after.txt && echo "Y35: run tree (names and file md5s) unchanged"
chattr -i $W/samples/step_000004.gif; lsattr $W/samples/step_000004.gif
