# Part A: V40 re-run: SIGINT to the sweep's process only while its trainer trains (then the same command rerun)
. /tmp/r27/env.sh
cd $WT && NAME=a_v40 AT=train ONLYSWEEP=1 STEPS=40 SIG=INT python docs/misuse/round27_helpers/sweep_sig.py > /tmp/r27/log/A_v40.out 2>&1; echo "rc=$?" >> /tmp/r27/log/A_v40.out
