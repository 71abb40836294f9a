. /tmp/r26/env.sh
A=/tmp/r26/a; O2=/tmp/r26/out
rm -rf $O2/u30; mkdir -p $O2/u30; cp -r $O/u30/in $O2/u30/in; ls -R $O2/u30/in
echo "== first"; pd --input=$O2/u30/in --output=$O2/u30/set4 $PD > $A/u31a.out 2>&1; cat $A/u31a.out
echo "== rerun"; pd --input=$O2/u30/in --output=$O2/u30/set4 $PD > $A/u31b.out 2>&1; cat $A/u31b.out
echo "== third"; pd --input=$O2/u30/in --output=$O2/u30/set4 $PD > $A/u31c.out 2>&1; cat $A/u31c.out
ls $O2/u30/set4
