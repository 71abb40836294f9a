. /tmp/r25/env.sh
rm -rf $O/u19 $O/u20 $O/u21; mkdir -p $O/u19 $O/u20 $O/u21
echo "== U19 odd --step values"
for s in -1 012 12.0 latest "" " 12" 1e1 10; do echo "-- --step='$s'"; ex --workdir=$B --output=$O/u19/s$(echo "$s" | tr -c 'a-z0-9' '_') --step="$s" 2>&1 | grep -v WARNING | cut -c1-300 | tail -2; done
ls $O/u19; for d in $O/u19/*; do python3 -c "import json,sys;d=json.load(open('$d/config.json'));print('$d', d.get('step'))" 2>/dev/null; done
echo "== U20 export into a symlink to another (the cat/dog) export"
ex --workdir=$R/rs --output=$O/u20/rsex 2>&1 | tail -1; md5sum $O/u20/rsex/*
ln -s $O/u20/rsex $O/u20/link
ex --workdir=$B --output=$O/u20/link 2>&1 | grep -v WARNING | cut -c1-400 | tail -2
ls -la $O/u20 $O/u20/rsex; md5sum $O/u20/rsex/*
echo "== U21 trailing slash and '..' through a missing folder"
ex --workdir=$B --output=$O/u21/new/ 2>&1 | grep -v WARNING | cut -c1-300 | tail -1; ls $O/u21/new
ex --workdir=$B --output=$O/u21/missing/../b 2>&1 | grep -v WARNING | cut -c1-300 | tail -1; ls -la $O/u21
mkdir -p $O/u21/real/x; ln -s $O/u21/real/x $O/u21/lnk
ex --workdir=$B --output=$O/u21/lnk/../c 2>&1 | grep -v WARNING | cut -c1-300 | tail -1; ls $O/u21 $O/u21/real
