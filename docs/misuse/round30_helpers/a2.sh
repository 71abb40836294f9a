# Part A2: absl --flagfile holding path flags (not seen by user_paths.expand_home_flags)
. $(dirname $0)/common.sh
A=$O2/a
cp -r $B $A/run; rm -rf $A/run/checkpoints/12      # the textual lnk/../run: step 10 only; the system's (real/run): 10 and 12
printf -- "--workdir=$A/lnk/../run\n" > $A/flags_w.txt
s z06b m --config=$CFG --mode=sample --num_samples=2 --flagfile=$A/flags_w.txt --output=$A/z06b
s z06v m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/lnk/../run --output=$A/z06v
printf -- "--output=~/z06c\n" > $A/flags_o.txt
HOME=$A/home s z06c m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile=$A/flags_o.txt
ls -d $WT/\~ 2>&1; find $WT/\~ $A/home 2>/dev/null
