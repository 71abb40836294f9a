# Part F: re-export over an edited export; flagfile loop; eval --output=None; sweep --tables=
. $(dirname $0)/common.sh
F=$O2/f; rm -rf $F; mkdir -p $F/home
cp -r $EX $F/exp_notes; printf '\n\nMy notes: do not lose.\n' >> $F/exp_notes/README.md; echo keep > $F/exp_notes/notes.txt; md5sum $F/exp_notes/* > $F/md5_before
TAILN=5 s a18 ex --workdir=$B --output=$F/exp_notes
ls -la $F/exp_notes; md5sum $F/exp_notes/* | diff $F/md5_before -; grep -c "do not lose" $F/exp_notes/README.md $F/exp_notes/*superseded* 2>&1 | head
cp -r $EX $F/exp_notes2; printf '\n\nMy notes: do not lose.\n' >> $F/exp_notes2/README.md
TAILN=5 s a19 ex --workdir=$B --step=10 --output=$F/exp_notes2
ls -la $F/exp_notes2; grep -l "do not lose" -r $F/exp_notes2* 2>&1 | head
printf -- "--flagfile=$F/lb.txt\n" > $F/la.txt; printf -- "--flagfile=$F/la.txt\n" > $F/lb.txt
TAILN=3 s a20 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile=$F/la.txt --output=$F/a20
ls $F | grep a20
(cd $F && TAILN=4 s a21 m --config=$CFG --mode=eval --workdir=$B $EV --output=None); ls -la $WT | grep -i none; ls $B | grep -i none
sw() { n=$1; shift; echo "== $n: $*" > $L/$n.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 60 python benchmarks/sweeps/ablation_sweep.py "$@") >> $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
TAILN=5 sw a22 --report_only --tables= --root=$F/sw --results=$F/res
TAILN=5 sw a22b --tables= --steps=1 $SW --root=$F/sw2 --results=$F/res2; ls $F/sw2 2>&1 | head
