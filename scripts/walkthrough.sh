#!/usr/bin/env bash
# The walk-through of docs/walkthrough.md: one citizen from registration to a paid incentive, over the public
# API with curl (node reads the JSON). Run it with `npm start` running in another terminal:
#   bash scripts/walkthrough.sh            (STACK_DIR=.local, the API of its stack.json)
# It stops at the first answer it did not expect, and puts the backend's clock back on exit.
set -euo pipefail
STACK_DIR=${STACK_DIR:-.local}
export STACK_DIR   # scripts/sign-request.ts reads the partners' keys from $STACK_DIR/stack.json
json() { # EXPR: the JSON on stdin, as v; prints EXPR (a string as is)
  node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const r = new Function("v", `return (${process.argv[1]})`)(v);
    console.log(typeof r === "string" ? r : JSON.stringify(r))' "$1"; }
api() { # METHOD PATH [curl options]: the body; an HTTP error ends the walk-through
  local out; out=$(curl -sS -w '\n%{http_code}' -X "$1" "$API$2" "${@:3}")
  local status=${out##*$'\n'} body=${out%$'\n'*}
  if [ "$status" -ge 400 ]; then echo "$1 $2: HTTP $status $body" >&2; return 1; fi
  printf '%s\n' "$body"; }
post() { api POST "$1" -H 'content-type: application/json' -d "$2" "${@:3}"; }
auth() { echo "authorization: Bearer $1"; }
key() { echo "idempotency-key: $(node -p 'crypto.randomUUID()')"; }
at() { node -p "new Date(Date.now() + ($1)).toISOString()"; }   # at '8 * 86400e3': now + 8 days, with ms
code() { # TO TEMPLATE: the newest such code in the local outbox
  for _ in $(seq 50); do
    c=$(api GET "/_local/outbox?to=$(node -p 'encodeURIComponent(process.argv[1])' "$1")" |
      json "v.items.find((m) => m.template === '$2')?.code ?? ''")
    if [ -n "$c" ]; then echo "$c"; return; fi; sleep 0.2
  done; echo "no $2 code for $1" >&2; return 1; }
until_status() { # PATH TOKEN STATUS...: polls PATH (2 minutes at most) until its status is one of STATUS
  for _ in $(seq 240); do
    s=$(api GET "$1" -H "$(auth "$2")" | json v.status)
    for want in "${@:3}"; do if [ "$s" = "$want" ]; then echo "$s"; return; fi; done; sleep 0.5
  done; echo "$1 still $s" >&2; return 1; }
API=${API:-$(json v.apiUrl < "$STACK_DIR/stack.json")}
EMAIL=${EMAIL:-siti@example.com} PHONE=${PHONE:-+6281234567890} NIK=${NIK:-3201015403980001} KK=${KK:-3201010101200001}
trap 'curl -s -o /dev/null -X DELETE "$API/_local/clock" || true' EXIT   # the real clock again, whatever happens

echo '# 1. Register: a code by email only (locally: the outbox, then the SES stand-in); the phone is'
echo '#    verified when it is first needed (step 9), so the ~96% never selected cost no SMS.'
post /v1/accounts "{\"fullName\":\"Siti Aminah\",\"email\":\"$EMAIL\",\"password\":\"correct horse battery\",\"phone\":\"$PHONE\"}"

echo '# 2. Verify the email with the code from the local outbox.'
post /v1/accounts/verify "{\"email\":\"$EMAIL\",\"channel\":\"email\",\"code\":\"$(code "$EMAIL" verify-email)\"}"

echo '# 3. Sign in.'
signin() { post /v1/sessions "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\"}" | json v.accessToken; }
TOKEN=$(signin)

echo '# 4. Personal data. The NIK agrees with birth date, gender (+40 on the day for women) and province:'
echo '#    32 (Jawa Barat) 01 01, born 14-03-1998 as a woman -> 54 03 98, serial 0001.'
api PUT /v1/me/profile -H "$(auth "$TOKEN")" -H 'content-type: application/json' -d "{
  \"nik\":\"$NIK\",\"kk\":\"$KK\",\"birthDate\":\"1998-03-14\",\"gender\":\"F\",
  \"provinceCode\":\"32\",\"education\":\"senior_high\",\"workStatus\":\"laid_off\",
  \"declarations\":{\"student\":false,\"civilServant\":false,\"militaryOrPolice\":false,
                  \"villageOfficial\":false,\"stateEnterpriseBoard\":false,\"otherAidRecipient\":false}}"

echo '# 5. An administrator opens a wave (the seeded administrators are in $STACK_DIR/stack.json) ...'
admin() { # ROLE: a seeded administrator's token
  post /v1/sessions "$(json "(({email, password}) => ({email, password}))(v.admins.find((a) => a.role === '$1'))" \
    < "$STACK_DIR/stack.json")" | json v.accessToken; }
ADMIN_TOKEN=$(admin admin)
WAVE=$(post /v1/admin/waves "{\"name\":\"Gelombang 1\",\"opensAt\":\"$(at -60e3)\",\"closesAt\":\"$(at '7 * 86400e3')\",
  \"quota\":1000,\"purchaseDeadlineDays\":15,
  \"scheme\":{\"trainingBalanceIdr\":3500000,\"incentiveIdr\":600000,\"incentiveMonths\":1,\"surveyIncentiveIdr\":50000,\"surveyCount\":2}}" \
  -H "$(auth "$ADMIN_TOKEN")" | json v.waveId)

echo "# 6. ... and the citizen joins wave $WAVE (\"Gabung\"). Her NIK comes back masked."
api POST "/v1/me/waves/$WAVE/join" -H "$(auth "$TOKEN")"
api GET /v1/me -H "$(auth "$TOKEN")"

echo '# 7. A week later the wave has closed: move the backend'"'"'s clock (tokens expire on it too, so sign'
echo '#    in again) and the administrator starts the draw with a seed.'
post /_local/clock "{\"now\":\"$(at '8 * 86400e3')\"}"
ADMIN_TOKEN=$(admin admin) TOKEN=$(signin)
post "/v1/admin/waves/$WAVE/selection" '{"seed":"gelombang-1-2026"}' -H "$(auth "$ADMIN_TOKEN")"
until_status "/v1/admin/waves/$WAVE/selection" "$ADMIN_TOKEN" SUCCEEDED
api GET "/v1/admin/waves/$WAVE/selection" -H "$(auth "$ADMIN_TOKEN")"
api GET "/v1/admin/waves/$WAVE/funnel" -H "$(auth "$ADMIN_TOKEN")"
api GET /v1/me -H "$(auth "$TOKEN")" | json v.participant   # card number, balance, deadline

echo '# 8. Anyone with the export and the seed can check the draw. Then back to real time (partners'
echo '#    sign with their own clock); a token issued in the "future" is refused now: sign in again.'
PRAKERJA_TOKEN=$ADMIN_TOKEN npx tsx scripts/verify-draw.ts --api "$API" --wave "$WAVE" --save "$STACK_DIR/draw.json"
api DELETE /_local/clock
TOKEN=$(signin)

echo '# 9. Selected, Siti was told by email to verify her phone before her first purchase (until then the'
echo '#    platform is refused 409 phone-not-verified): a code by SMS on request, then the code.'
post /v1/accounts/codes "{\"email\":\"$EMAIL\",\"channel\":\"phone\"}"
post /v1/accounts/verify "{\"email\":\"$EMAIL\",\"channel\":\"phone\",\"code\":\"$(code "$PHONE" verify-phone)\"}"
echo '#    She buys a course on Tokopedia: the platform signs its requests (see docs/partners.md).'
SIGN="npx tsx scripts/sign-request.ts --partner tokopedia --quiet"
CARD=$(api GET /v1/me -H "$(auth "$TOKEN")" | json v.participant.cardNumber)
$SIGN PUT /v1/partner/courses/dm-101 '{"title":"Digital marketing","institution":{"id":"lp-1","name":"LP Maju"},"priceIdr":750000,"mode":"online","category":"marketing"}'
PURCHASE=$($SIGN POST /v1/partner/purchases "{\"cardNumber\":\"$CARD\",\"courseId\":\"dm-101\"}" | json v.purchaseId)
PAID=$($SIGN POST "/v1/partner/purchases/$PURCHASE/confirmation" "{\"otp\":\"$(code "$PHONE" purchase-otp)\"}")
echo "$PAID"                                                                 # PAID, voucher, balance after
api GET /v1/me -H "$(auth "$TOKEN")" | json v.participant.balanceIdr         # 2750000

echo '# 10. She trains, the platform reports the completion (completedAt with its milliseconds: it may not'
echo '#     be earlier than the redemption), she reviews the course: the incentive is due today.'
$SIGN POST "/v1/partner/purchases/$PURCHASE/redemption" "{\"voucherCode\":\"$(echo "$PAID" | json v.voucherCode)\"}"
$SIGN POST "/v1/partner/purchases/$PURCHASE/completion" "{\"completedAt\":\"$(at 0)\",\"certificateNumber\":\"SERT-001\"}"
post "/v1/me/purchases/$PURCHASE/review" '{"rating":5,"comment":"Bermanfaat"}' -H "$(auth "$TOKEN")"

echo '# 11. She links her GoPay (her registered phone): the partner matches name and NIK, an SMS code confirms.'
api PUT /v1/me/payout-account -H "$(auth "$TOKEN")" -H 'content-type: application/json' \
  -d "{\"partnerCode\":\"gopay\",\"accountNumber\":\"$PHONE\"}"                    # PENDING_VERIFICATION
post /v1/me/payout-account/confirmation "{\"otp\":\"$(code "$PHONE" payout-account-otp)\"}" -H "$(auth "$TOKEN")"   # VERIFIED

echo '# 12. The admin stages this month'"'"'s payout run; a second person, the approver, approves it.'
ADMIN_TOKEN=$(admin admin) APPROVER_TOKEN=$(admin approver)
RUN=$(post /v1/admin/payout-runs "{\"period\":\"$(at 0 | cut -c1-7)\",\"budgetIdr\":100000000}" \
  -H "$(auth "$ADMIN_TOKEN")" -H "$(key)" | json v.runId)
until_status "/v1/admin/payout-runs/$RUN" "$ADMIN_TOKEN" AWAITING_APPROVAL
api POST "/v1/admin/payout-runs/$RUN/approval" -H "$(auth "$APPROVER_TOKEN")" -H "$(key)"   # DISBURSING
until_status "/v1/admin/payout-runs/$RUN" "$ADMIN_TOKEN" COMPLETED COMPLETED_WITH_FAILURES
api GET "/v1/admin/payout-runs/$RUN" -H "$(auth "$ADMIN_TOKEN")" | json '({runId: v.runId, status: v.status, totals: v.totals})'
api GET /v1/me/incentives -H "$(auth "$TOKEN")" | json 'v.items.map(({kind, amountIdr, status}) => ({kind, amountIdr, status}))'
api POST "/v1/admin/payout-runs/$RUN/reconciliation" -H "$(auth "$ADMIN_TOKEN")" -H "$(key)"
api GET '/v1/admin/audit?kind=payout-run' -H "$(auth "$APPROVER_TOKEN")" | json 'v.items.map(({at, actor, kind}) => ({at, actor, kind}))'

# The walk-through ends with a check: the run paid every instruction, hers among them.
api GET "/v1/admin/payout-runs/$RUN" -H "$(auth "$ADMIN_TOKEN")" |
  json 'v.status === "COMPLETED" && v.totals.byStatus.PAID === v.totals.instructions && v.totals.instructions > 0' |
  grep -qx true || { echo "payout run $RUN did not pay all its instructions" >&2; exit 1; }
api GET /v1/me/incentives -H "$(auth "$TOKEN")" | json 'v.items.some((i) => i.status === "PAID")' |
  grep -qx true || { echo "Siti's incentive is not paid" >&2; exit 1; }
echo "Done: payout run $RUN paid its instructions, Siti's incentive among them."
