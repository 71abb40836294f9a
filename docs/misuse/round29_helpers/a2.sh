# Part A2: '~' quoted in the two-word form (a script's "--output" "~/x"), export / sample / prepare_data
. $(dirname $0)/common.sh
A=$O2/a2; rm -rf $A; mkdir -p $A/home; export HOME=$A/home
ls -d $WT/'~' 2>/dev/null && echo "WT already has ~"
s y04eq ex --workdir=$B --output='~/y04eq'
s y04sp ex --workdir=$B --output '~/y04sp'
s y05sp m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output '~/y05sp'
s y06sp pd --input '~/in' --output '~/y06set' $PD
cp -r $O/p02/in $A/home/in
s y06spb pd --input=$A/home/in --output '~/y06set' $PD
echo "in home:"; ls $A/home; echo "in WT:"; ls -la $WT | grep '~'; find $WT/'~' 2>/dev/null | head
