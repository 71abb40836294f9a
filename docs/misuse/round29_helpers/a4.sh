# Y33/Y34: the two-word form with lnk/.. for --mode=eval --output and prepare_data --output / --input
. $(dirname $0)/common.sh
A=$O2/a4; rm -rf $A; mkdir -p $A/real/sub; ln -s real/sub $A/lnk
s y33sp m --config=$CFG --mode=eval --workdir=$B $EV --output $A/lnk/../rep.json
find $A | sort
cp -r $O/p02/in $A/real/in
s y34sp pd --input $A/lnk/../in --output $A/lnk/../set $PD
find $A -maxdepth 2 | sort
# Y33b: the same with a folder that does not exist yet (lnk/../reports/rep.json)
s y33spb m --config=$CFG --mode=eval --workdir=$B $EV --output $A/lnk/../reports/rep.json
s y33eqb m --config=$CFG --mode=eval --workdir=$B $EV --output=$A/lnk/../reports2/rep.json
find $A -name 'rep*' -o -name 'reports*' | sort
