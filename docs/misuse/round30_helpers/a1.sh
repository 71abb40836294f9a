# Part A: path flags at their edges (cheap refusals and one flagfile)
. $(dirname $0)/common.sh
A=$O2/a; rm -rf $A; mkdir -p $A/home $A/real/sub
s z01 m --config=$CFG --mode=sample --num_samples=2 --workdir
s z02 m --config=$CFG --mode=sample --workdir= --num_samples=2 --output=$A/z02
s z03 ex --workdir=$B --output -x
s z04 m --config=$CFG --mode=sample --workdir=$B --num_samples=2 -- --output=$A/z04
s z05 ex --workd $B --output=$A/z05
s z05b pd --inp $O/p02/in --output=$A/z05b $PD
# flagfile: the same path flags inside absl's --flagfile
printf -- "--output=~/z06\n--workdir=$A/lnk/../run\n" > $A/flags.txt
ln -s $A/real/sub $A/lnk; cp -r $B $A/real/run
ls -d $WT/~ 2>/dev/null
HOME=$A/home s z06 m --config=$CFG --mode=sample --num_samples=2 --flagfile=$A/flags.txt
ls -d $WT/\~ $WT/\~/* 2>&1; find $A/home $A -maxdepth 2 -name 'z06*'
