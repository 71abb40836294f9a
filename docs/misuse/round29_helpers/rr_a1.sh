# re-run of Y01/Y02 (a1.sh) in fresh folders ($O2/a_rr); frames compared with gifeq.py
. $(dirname $0)/rr_common.sh
A=$O2/a_rr; rm -rf $A; mkdir -p $A/real/sub; ln -s real/sub $A/lnk
cp -r $B $A/real/run
cp -r $B $A/run; rm -rf $A/run/checkpoints/12
echo "real/run steps: $(ls $A/real/run/checkpoints)  run (textual) steps: $(ls $A/run/checkpoints)"
ls -a $WT | grep -x '~' && echo "WT has ~ before"
s y01eq m --config=$CFG --mode=sample --workdir=$A/lnk/../run --num_samples=2 --output=$A/y01eq
s y01sp m --config=$CFG --mode=sample --workdir $A/lnk/../run --num_samples=2 --output=$A/y01sp
s y01v m --config=$CFG --mode=sample --workdir=$A/run --num_samples=2 --output=$A/y01v
s y02eq m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output=$A/lnk/../y02eq
s y02sp m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output $A/lnk/../y02sp
find $A -maxdepth 3 -name 'y0*' | sort
(cd $WT && python $H29/gifeq.py $A/y01eq_clips/*.gif $A/y01sp_clips/*.gif $A/y01v_clips/*.gif $A/real/y02eq_clips/*.gif $A/real/y02sp_clips/*.gif)
ls -a $WT | grep -x '~' && echo "WT has ~ after"
