. /tmp/r24/env.sh
rm -rf $O/t35; cp -r $EX $O/t35
python3 - <<'PY'
import json
p='/tmp/r24/out/t35/config.json'; d=json.load(open(p)); d['config']['flow']['inference_steps']=8; del d['written_sha256']; json.dump(d,open(p,'w'),indent=1)
PY
md5sum $O/t35/config.json; grep -c inference_steps $O/t35/config.json; grep '"inference_steps"' $O/t35/config.json
ex --workdir=$B --output=$O/t35 2>&1 | grep -v WARNING | cut -c1-400 | tail -3
ls $O/t35; grep '"inference_steps"' $O/t35/config*.json; md5sum $O/t35/config*.json
