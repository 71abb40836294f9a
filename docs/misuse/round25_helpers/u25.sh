. /tmp/r25/env.sh
rm -rf $R/u25; mkdir -p $R/u25
s() { echo "-- $*"; py benchmarks/sweeps/ablation_sweep.py --root=$R/u25/root --results=$R/u25/res "$@" $SW 2>&1 | grep -v "^+\|WARNING" | cut -c1-300 | tail -3; ls $R/u25/root $R/u25/res 2>/dev/null | tr '\n' ' '; echo; }
s --rows=table4:sfm4 --steps=6
s --rows=Table4:sfm_4 --steps=6
s --rows=table4:sfm_4, --steps=6
s --rows="table4:sfm_4, table4:sfm_4" --steps=6
s --rows=table4:sfm_4 --steps=0
s --rows=table4:sfm_4 --steps=-3
s --rows=table4:sfm_4 --tables=table1 --steps=6
