. /tmp/r24/env.sh
for s in a b c d e; do rm -rf $O/t01$s; cp -r $EX $O/t01$s; done
python - <<'PY'
import json
O='/tmp/r24/out'
def ed(s, f):
  p=f'{O}/t01{s}/config.json'; d=json.load(open(p)); f(d); json.dump(d, open(p,'w'), indent=1)
def a(d): d['config']['flow']['guidance_scale']=7.0; del d['written_sha256']          # digest key dropped
def b(d): d['guidance_scale']=7.0                                                      # top level
def c(d): d['config']['curriculum']['stage2']['guidance_scale']=7.0                    # in a stage
def dd(d): del d['config']['flow']['inference_steps']                                    # key removed
def e(d): d['config']['curriculum']['stage3']={'name':'extra','fraction':0.0}           # a stage added
for s,f in zip('abcde',(a,b,c,dd,e)): ed(s,f)
PY
py $WT/docs/misuse/round23_helpers/load_try.py $EX $O/t01a $O/t01b $O/t01c $O/t01d $O/t01e 2>&1 | grep -v "^WARNING\|absl"
