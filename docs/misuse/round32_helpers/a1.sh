# Part A: edges of the None-path refusal and of --flagfile (b01/b02 ran first against $B itself and wrote
# NONE.* / none.* into its samples/: moved at once to /tmp/r32/moved; the rest runs on a copy)
. $(dirname $0)/common.sh
A=$O2/a; mkdir -p $A/ff/dir; : > $A/ff/empty.txt; rm -rf $A/base; cp -r $B $A/base; ls -la $A/base/samples > $A/b_before
s b03 m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base "--output=None "
s b04 ex --workdir=$A/base --output=null
s b05 pd --input=$O/p02/in --output=None $PD
s b06 m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base --flagfile=$A/ff/dir --output=$A/b06
s b07 m --config=$CFG --mode=sample --num_samples=2 --workdir=$A/base --flagfile=$A/ff/empty.txt --output=$A/b07
ls -la $A/base/samples > $A/b_after; diff $A/b_before $A/b_after && echo BASE_SAMPLES_UNCHANGED; ls -la $A $WT | grep -i 'none\|null' ; ls $A
