#!/usr/bin/env bash
# Checks of what bin/pushflow and docker-compose.yml expose; `bin/pushflow test` runs it, and so does CI.
#  - the ClickHouse password reaches curl through a config pipe, never its command line (where `ps` shows it);
#  - `bin/pushflow admin` with the dev users (*-dev passwords) listens on 127.0.0.1 only;
#  - the compose admin service has no fallback users and refuses to start without real ones.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
fail() { echo "exposure check failed: $*" >&2; exit 1; }
fn() { sed -n "/^$1() {/,/^}/p" "$ROOT/bin/pushflow" "$ROOT/bin/services.sh"; }   # one function of the launcher, to test on its own

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. curl's arguments and what it read from --config, as a stub on PATH records them
mkdir "$work/bin"
cat >"$work/bin/curl" <<'STUB'
#!/usr/bin/env bash
[[ ${*: -1} == */ping ]] && { echo "Ok."; exit 0; }
out=""
while [[ $# -gt 0 ]]; do
  printf '%s\n' "$1" >>"$CURL_ARGS"
  case $1 in
    --config | -K) cat "$2" >>"$CURL_CONFIG" ;;
    -o) out=$2 ;;
  esac
  shift
done
[[ -n $out ]] && echo "24.8.1.1" >"$out"
printf 200
STUB
chmod +x "$work/bin/curl"
password='pa"ss\word-s3cret'
PATH="$work/bin:$PATH" CURL_ARGS="$work/args" CURL_CONFIG="$work/config" CLICKHOUSE_PASSWORD=$password \
  "$ROOT/bin/pushflow" services status >/dev/null 2>&1 || true
[[ -s $work/args ]] || fail "services status called no curl (the stub saw nothing)"
if grep -q 's3cret' "$work/args"; then fail "the ClickHouse password is on curl's command line"; fi
grep -qF 'user = "default:pa\"ss\\word-s3cret"' "$work/config" || fail "curl's config lacks the escaped user:password: $(cat "$work/config" 2>/dev/null)"
if command -v curl >/dev/null && /usr/bin/env curl --version >/dev/null 2>&1; then
  # the real curl reads the line back to the same credentials
  source <(fn ch_credentials)
  sent=$(CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD=$password; curl -sv --max-time 2 --config <(ch_credentials) http://127.0.0.1:9/ 2>&1 \
    | sed -n 's/^> Authorization: Basic //p' | tr -d '\r' | base64 -d || true)
  [[ -z $sent || $sent == "default:$password" ]] || fail "curl sent other credentials: $sent"
fi

# 2. where bin/pushflow admin listens
source <(fn admin_host)
[[ $(admin_host "admin:admin-dev:admin,viewer:viewer-dev:viewer") == 127.0.0.1 ]] || fail "dev users listen beyond 127.0.0.1"
[[ $(admin_host "ops:x-dev:admin,bob:real:viewer") == 127.0.0.1 ]] || fail "one dev password must keep the service on 127.0.0.1"
[[ $(admin_host "ops:a:b:c-real:admin") == 0.0.0.0 ]] || fail "real users should listen on every interface"

# 3. the compose admin service (docker-compose 1.29 or compose v2 renders the file offline)
if command -v docker-compose >/dev/null; then compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then compose=(docker compose)
else echo "exposure check: no docker compose, compose part skipped"; exit 0; fi
rendered=$(env -u ADMIN_USERS "${compose[@]}" -f "$ROOT/docker-compose.yml" config)
admin=$(printf '%s\n' "$rendered" | sed -n '/^  admin-service:/,/^  [a-z]/p')
[[ -n $admin ]] || fail "no admin-service in docker-compose.yml"
if grep -q -- '-dev' <<<"$admin"; then fail "the compose admin service falls back to dev users"; fi
grep -Eq "ADMIN_REQUIRE_USERS: ['\"]?true" <<<"$admin" || fail "the compose admin service does not require users"
if grep -q 'ADMIN_ALLOW_DEV_USERS' <<<"$admin"; then fail "the compose admin service allows dev users"; fi
echo "exposure checks passed"
