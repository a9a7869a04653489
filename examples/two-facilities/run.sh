#!/bin/sh
# Two facilities on loopback with the pagdandi CLI: a network authority and signed roster, a CHC and
# its district hospital (the CHC's hub), synthetic patients, a referral, and the status of both.
# Build first: pnpm -C packages/core run build && pnpm -C packages/node run build
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI="$ROOT/packages/node/dist/cli.js"
pagdandi() { node "$CLI" "$@"; }
export PAGDANDI_SECRET="${PAGDANDI_SECRET:-example-operator-secret}"
CHC_PORT="${CHC_PORT:-47101}"
DH_PORT="${DH_PORT:-47102}"
W=$(mktemp -d "${TMPDIR:-/tmp}/pagdandi-two-XXXXXX")
CHC_PID=''
DH_PID=''
cleanup() {
  for pid in $CHC_PID $DH_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT INT TERM

echo '== 1. A network authority, two facilities, one signed roster'
pagdandi roster create --data "$W/authority" --network bastar-example
pagdandi init --data "$W/chc" --facility IN2210000101 --name 'CHC Tokapal' --kind CHC --district Bastar \
  --listen "/ip4/127.0.0.1/tcp/$CHC_PORT/ws"
pagdandi init --data "$W/dh" --facility IN2210000001 --name 'DH Jagdalpur' --kind DH --district Bastar \
  --listen "/ip4/127.0.0.1/tcp/$DH_PORT/ws"
pagdandi roster add --data "$W/authority" --member "$W/chc/facility.json"
pagdandi roster add --data "$W/authority" --member "$W/dh/facility.json" --carries-for IN2210000101
pagdandi roster export --data "$W/authority" --out "$W/roster.json"
pagdandi roster import "$W/roster.json" --data "$W/chc"
pagdandi roster import "$W/roster.json" --data "$W/dh"
pagdandi roster show --data "$W/chc"

echo '== 2. The CHC registers patients while offline'
pagdandi seed --data "$W/chc" --count 20 --seed 7

echo '== 3. Both nodes start (HTTP API on a free port, libp2p on the roster addresses)'
node "$CLI" start --data "$W/chc" --port 0 >"$W/chc.log" 2>&1 & CHC_PID=$!
node "$CLI" start --data "$W/dh" --port 0 >"$W/dh.log" 2>&1 & DH_PID=$!
for n in chc dh; do
  i=0; until grep -q listening "$W/$n.log" 2>/dev/null; do i=$((i + 1)); [ $i -lt 150 ] || { cat "$W/$n.log"; exit 1; }; sleep 0.2; done
  grep listening "$W/$n.log"
done

echo '== 4. A new patient at the CHC, referred to the DH'
P=$(pagdandi patient register --data "$W/chc" --name 'Budhri Kawasi' --sex female --age 34 \
  --village Kilepal --block Tokapal --district Bastar --uhid CHC-0021 --phone 9826000021)
echo "registered $P"
pagdandi refer --data "$W/chc" --patient "$P" --to IN2210000001 --reason 'Severe anaemia in pregnancy' \
  --urgency urgent --diagnosis 'icd10|O99.0|Anaemia complicating pregnancy' --treatment 'IFA, referred by 108'

echo '== 5. Waiting until the DH has it and the CHC knows it was delivered'
i=0
until pagdandi status --data "$W/chc" --json | grep -q '"undeliveredReferrals": 0'; do
  i=$((i + 1)); [ $i -lt 150 ] || { echo 'referral not delivered in 30 s'; exit 1; }; sleep 0.2
done
echo 'The DH finds her by another spelling:'
pagdandi patient find --data "$W/dh" 'Budhri Kawasee'

echo '== 6. Status of both nodes'
pagdandi status --data "$W/chc"
pagdandi status --data "$W/dh" --json
