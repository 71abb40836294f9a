. $(dirname $0)/common.sh
s y24 py $H29/f1.py $EX
grep -v 'WARNING' $L/y24.out
# Y26: Pipeline against --mode=sample of the same export, same seed and steps (without --config first: absl's
# 'Flag --config must have a value other than None', round 23's S47; log y26s_noconfig.out)
rm -rf $O2/f; mkdir -p $O2/f
s y26s_noconfig m --mode=sample --workdir=$EX --num_samples=4 --seed=5 --sample_steps=2 --output=$O2/f/s
s y26s m --config=$CFG --mode=sample --workdir=$EX --num_samples=4 --seed=5 --sample_steps=2 --output=$O2/f/s
ls $O2/f/s_clips
s y26p py $H14/pipe_vs_gif.py $EX $O2/f/s_clips '{"class_ids": [0, 1, 2, 3], "steps": 2, "seed": 5}'
grep -v WARNING $L/y26p.out
s y27_evalnoconfig m --mode=eval --workdir=$EX $EV --output=$O2/h/x.json   # Y27 nit: an export evaluated without --config
