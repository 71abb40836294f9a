# re-run of Y04-Y06 (a2.sh): '~' quoted in the two-word form; HOME=$O2/a2_rr/home
. $(dirname $0)/rr_common.sh
A=$O2/a2_rr; rm -rf $A; mkdir -p $A/home; export HOME=$A/home
ls -a $WT | grep -x '~' && echo "WT already has ~"
s y04eq ex --workdir=$B --output='~/y04eq'
s y04sp ex --workdir=$B --output '~/y04sp'
s y05sp m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output '~/y05sp'
s y06sp pd --input '~/in' --output '~/y06set' $PD
cp -r $O/p02/in $A/home/in
s y06spb pd --input=$A/home/in --output '~/y06set' $PD
s y06spc pd --input '~/in' --output '~/y06setc' $PD
echo "in home:"; ls $A/home; echo "in WT:"; ls -a $WT | grep -x '~'; find $WT/'~' 2>/dev/null | head
for f in $A/home/y04eq $A/home/y04sp; do [ -f $f/config.json ] && echo "$f step $(python -c "import json;print(json.load(open('$f/config.json'))['step'])")"; done
