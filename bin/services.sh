# shellcheck shell=bash
# The local services of bin/pushflow, which sources this file: MySQL/MariaDB, RabbitMQ and ClickHouse made reachable
# (reused where they answer, else docker compose, else Debian's packages as root), their databases, users and settings,
# and status, down, stop and start. It uses bin/pushflow's `defaults`, and its `build_tools` for the tools jar whose CLI
# applies the ClickHouse schema.

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
say()  { printf '%s\n' "$*"; }
warn() { printf 'pushflow: warning: %s\n' "$*" >&2; }
die()  { printf 'pushflow: error: %s\n' "$1" >&2; shift; local l; for l in "$@"; do printf '  %s\n' "$l" >&2; done; exit 1; }

state_dir() { mkdir -p "$STATE_DIR"; }
is_root() { [[ $(id -u) == 0 ]]; }
is_local_host() { case "$1" in 127.0.0.1|localhost|::1|\[::1\]) return 0 ;; *) return 1 ;; esac; }
have() { command -v "$1" >/dev/null 2>&1; }

# TCP connect test, bounded.
tcp_open() { timeout 2 bash -c ': >"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# host and port of CLICKHOUSE_URL (http://[user@]host[:port][/...])
ch_host() { local u=${CLICKHOUSE_URL#*://}; u=${u%%/*}; u=${u##*@}; printf '%s' "${u%:*}"; }
ch_port() {
  local u=${CLICKHOUSE_URL#*://}; u=${u%%/*}; u=${u##*@}
  if [[ $u == *:* ]]; then printf '%s' "${u##*:}"
  elif [[ $CLICKHOUSE_URL == https:* ]]; then printf 443
  else printf 80; fi
}

svc_host() {
  case "$1" in
    mysql) printf '%s' "$MYSQL_HOST" ;;
    rabbitmq) printf '%s' "$RABBITMQ_HOST" ;;
    clickhouse) ch_host ;;
  esac
}
svc_port() {
  case "$1" in
    mysql) printf '%s' "$MYSQL_PORT" ;;
    rabbitmq) printf '%s' "$RABBITMQ_PORT" ;;
    clickhouse) ch_port ;;
  esac
}
svc_vars() {
  case "$1" in
    mysql) printf 'MYSQL_HOST/MYSQL_PORT' ;;
    rabbitmq) printf 'RABBITMQ_HOST/RABBITMQ_PORT' ;;
    clickhouse) printf 'CLICKHOUSE_URL' ;;
  esac
}

svc_reachable() {
  case "$1" in
    mysql) tcp_open "$MYSQL_HOST" "$MYSQL_PORT" ;;
    rabbitmq) tcp_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" ;;
    clickhouse) [[ $(curl -s --max-time 2 "${CLICKHOUSE_URL%/}/ping" 2>/dev/null || true) == Ok.* ]] ;;
  esac
}

# Cheap version probes that need no credentials (protocol greetings), used by `status`.
mysql_version() {
  local v
  # A real login first: bare probes count as aborted connects (max_connect_errors) on MySQL.
  if v=$(mysql_app -N -B -e 'SELECT VERSION()' 2>/dev/null) && [[ -n $v ]]; then
    case "$v" in *MariaDB*) printf 'MariaDB %s' "${v%%-MariaDB*}" ;; *) printf 'MySQL %s' "$v" ;; esac
    return 0
  fi
  # The server greeting: 3-byte length, sequence id, protocol byte 10, NUL-terminated version.
  v=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && dd bs=1024 count=1 status=none <&3' "$MYSQL_HOST" "$MYSQL_PORT" 2>/dev/null \
    | tail -c +6 | tr '\0' '\n' | head -n 1 || true)
  v=${v#5.5.5-}   # MariaDB's replication-compatibility prefix
  case "$v" in *MariaDB*) printf 'MariaDB %s' "${v%%-MariaDB*}" ;; '') ;; *) printf 'MySQL %s' "$v" ;; esac
}
rabbitmq_version() {
  # Connection.Start carries server-properties, among them "version" (a long string).
  # (RabbitMQ logs the unfinished handshake as a warning: used by `status` only, not by `up`.)
  local v
  v=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\x00\x00\x09\x01" >&3 && dd bs=4096 count=1 status=none <&3' \
      "$RABBITMQ_HOST" "$RABBITMQ_PORT" 2>/dev/null \
    | tr -c '[:print:]' '\n' | awk 'f && NF { print; exit } /versionS$/ { f = 1 }' || true)
  [[ -n $v ]] && printf 'RabbitMQ %s' "$v"
  return 0
}
clickhouse_version() {
  local v
  v=$(ch_query "SELECT version()" 2>/dev/null || true)
  [[ -n $v ]] && printf 'ClickHouse %s' "$v"
  return 0
}

# ---------------------------------------------------------------------------------------------
# Docker / compose
# ---------------------------------------------------------------------------------------------
COMPOSE=()
find_compose() {   # sets COMPOSE=(docker compose | docker-compose); fails when neither works
  ((${#COMPOSE[@]})) && return 0
  if have docker && docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose)
  elif have docker-compose; then COMPOSE=(docker-compose)
  else return 1; fi
}
compose_wait_healthy() {   # svc timeout: until the container's healthcheck says healthy
  local svc=$1 deadline id status=
  deadline=$((SECONDS + $2))
  while :; do
    id=$(compose ps -q "$svc" 2>/dev/null || true)
    if [[ -n $id ]]; then
      status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || true)
      case "$status" in
        healthy | running) return 0 ;;   # `running`: the service has no healthcheck
        exited | dead) show_logs "$svc"; die "the $svc container stopped (see the log above)" ;;
      esac
    fi
    if ((SECONDS >= deadline)); then
      show_logs "$svc"
      die "the $svc container is not healthy after ${2}s (status: ${status:-none})" "see the log above; to wait longer set PUSHFLOW_COMPOSE_TIMEOUT"
    fi
    sleep 1
  done
}
docker_engine() { have docker && timeout 10 docker info >/dev/null 2>&1; }
compose() { "${COMPOSE[@]}" -f "$COMPOSE_FILE_PATH" "$@"; }

validate_compose() {   # `test`: docker-compose.yml checked offline by a compose client, installed when missing
  [[ -f $COMPOSE_FILE_PATH ]] || die "docker-compose.yml is missing"
  if ! find_compose; then
    if debian_root; then apt_install docker-compose; fi
    find_compose || { warn "neither 'docker compose' nor docker-compose is available: docker-compose.yml not validated"; return 0; }
  fi
  compose config -q || die "docker-compose.yml is invalid (${COMPOSE[*]} config -q, messages above)"
  say "docker-compose.yml: valid (${COMPOSE[*]} config -q)"
}

# ---------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------
debian_root() { [[ -f /etc/debian_version ]] && is_root && have apt-get && have dpkg-query; }
APT_UPDATED=
JUST_INSTALLED=
pkg_installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }
apt_install() {   # apt_install pkg...: installs the missing ones; sets JUST_INSTALLED=1 if it did
  local missing=() p
  JUST_INSTALLED=
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  state_dir
  if [[ -z $APT_UPDATED ]]; then
    say "  apt-get update"
    apt-get update -q >"$STATE_DIR/apt.log" 2>&1 \
      || { tail -n 20 "$STATE_DIR/apt.log" >&2; die "apt-get update failed (log: $STATE_DIR/apt.log)"; }
    APT_UPDATED=1
  fi
  say "  apt-get install -y ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$STATE_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$STATE_DIR/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $STATE_DIR/apt.log)"; }
  JUST_INSTALLED=1
}

debian_packages() {
  case "$1" in
    mysql) printf '%s\n' mariadb-server mariadb-client ;;
    rabbitmq) printf '%s\n' rabbitmq-server ;;
    clickhouse) printf '%s\n' clickhouse-server clickhouse-client ;;
  esac
}

pid_alive() {   # pidfile names a live (not zombie) process
  local pid stat
  [[ -f $1 ]] || return 1
  pid=$(cat "$1")
  stat=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [[ -n $stat && $stat != Z* ]]
}

start_debian() {
  local svc=$1 pkgs
  mapfile -t pkgs < <(debian_packages "$svc")
  apt_install "${pkgs[@]}"
  [[ -n $JUST_INSTALLED ]] && : >"$STATE_DIR/installed.$svc"
  state_dir
  mark_started "$svc" debian
  if svc_reachable "$svc"; then return 0; fi   # a package's postinst may have started it already
  case "$svc" in
    mysql)
      install -d -o mysql -g mysql -m 0755 /run/mysqld
      say "  start-stop-daemon --start --background --exec /usr/sbin/mariadbd -- --user=mysql"
      start-stop-daemon --start --oknodo --background \
        --make-pidfile --pidfile "$STATE_DIR/mariadb.pid" --output "$STATE_DIR/mariadb.log" \
        --exec /usr/sbin/mariadbd -- --user=mysql
      ;;
    rabbitmq)
      say "  rabbitmq-server -detached"
      rabbitmq-server -detached >"$STATE_DIR/rabbitmq.log" 2>&1 || true
      ;;
    clickhouse)
      # 18.16 would run as root, but then writes root-owned files; run it as `clickhouse` like
      # the packaged unit does, with the packaged config, and keep its dirs owned by it.
      local d
      for d in /var/lib/clickhouse /var/log/clickhouse-server; do
        install -d -o clickhouse -g clickhouse "$d"
        if [[ -n $(find "$d" ! -user clickhouse -print -quit 2>/dev/null) ]]; then
          chown -R clickhouse:clickhouse "$d"
        fi
      done
      say "  start-stop-daemon --start --background --chuid clickhouse:clickhouse --chdir /var/lib/clickhouse" \
          "--exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml"
      start-stop-daemon --start --oknodo --background \
        --make-pidfile --pidfile "$STATE_DIR/clickhouse.pid" --output "$STATE_DIR/clickhouse.out" \
        --chuid clickhouse:clickhouse --chdir /var/lib/clickhouse \
        --exec /usr/sbin/clickhouse-server -- --config-file=/etc/clickhouse-server/config.xml
      ;;
  esac
}

stop_debian() {
  local svc=$1
  case "$svc" in
    mysql)
      if pid_alive "$STATE_DIR/mariadb.pid"; then
        start-stop-daemon --stop --oknodo --retry TERM/60/KILL/5 \
          --pidfile "$STATE_DIR/mariadb.pid" --exec /usr/sbin/mariadbd >/dev/null
      elif svc_reachable mysql; then
        mysqladmin -uroot shutdown 2>/dev/null || warn "could not stop MariaDB (mysqladmin shutdown failed)"
      fi
      rm -f "$STATE_DIR/mariadb.pid"
      ;;
    rabbitmq)
      if svc_reachable rabbitmq; then
        rabbitmqctl shutdown >/dev/null 2>&1 || rabbitmqctl stop >/dev/null 2>&1 \
          || warn "could not stop RabbitMQ (rabbitmqctl shutdown failed)"
      fi
      ;;
    clickhouse)
      if pid_alive "$STATE_DIR/clickhouse.pid"; then
        start-stop-daemon --stop --oknodo --retry TERM/30/KILL/5 \
          --pidfile "$STATE_DIR/clickhouse.pid" --exec /usr/sbin/clickhouse-server >/dev/null
      elif svc_reachable clickhouse; then
        start-stop-daemon --stop --oknodo --retry TERM/30/KILL/5 --user clickhouse \
          --exec /usr/sbin/clickhouse-server >/dev/null
      fi
      rm -f "$STATE_DIR/clickhouse.pid"
      ;;
  esac
}

show_logs() {   # the tail of whatever log explains a failed start
  local svc=$1 how f
  how=$(started_how "$svc")
  if [[ $how == compose ]]; then
    find_compose && compose logs --tail=30 "$svc" >&2 || true
    return 0
  fi
  case "$svc" in
    mysql) set -- "$STATE_DIR/mariadb.log" ;;
    rabbitmq) set -- "$STATE_DIR/rabbitmq.log" "$(ls -t /var/log/rabbitmq/*.log 2>/dev/null | head -n 1)" ;;
    clickhouse) set -- "$STATE_DIR/clickhouse.out" /var/log/clickhouse-server/clickhouse-server.err.log ;;
  esac
  for f in "$@"; do
    [[ -n $f && -s $f ]] || continue
    printf -- '--- tail of %s\n' "$f" >&2
    tail -n 20 "$f" >&2
  done
}

# ---------------------------------------------------------------------------------------------
# What `services up` started (so `services down` stops only that)
# ---------------------------------------------------------------------------------------------
mark_started() { state_dir; printf '%s\n' "$2" >"$STATE_DIR/started.$1"; }
started_how() { [[ -f $STATE_DIR/started.$1 ]] && cat "$STATE_DIR/started.$1" || true; }

# ---------------------------------------------------------------------------------------------
# services up
# ---------------------------------------------------------------------------------------------
wait_for() {
  local svc=$1 timeout=$2 deadline pidfile=
  deadline=$((SECONDS + timeout))
  case "$svc" in mysql) pidfile=$STATE_DIR/mariadb.pid ;; clickhouse) pidfile=$STATE_DIR/clickhouse.pid ;; esac
  until svc_reachable "$svc"; do
    if [[ $(started_how "$svc") == debian && -n $pidfile && -f $pidfile ]] && ! pid_alive "$pidfile"; then
      show_logs "$svc"
      die "$svc exited right after start (see the log above)"
    fi
    if ((SECONDS >= deadline)); then
      show_logs "$svc"
      die "$svc did not become reachable at $(svc_host "$svc"):$(svc_port "$svc") within ${timeout}s" \
        "see the log above; to wait longer set PUSHFLOW_WAIT_TIMEOUT / PUSHFLOW_COMPOSE_TIMEOUT"
    fi
    sleep 0.5
  done
}

ensure_service() {
  local svc=$1 host port
  host=$(svc_host "$svc"); port=$(svc_port "$svc")
  if svc_reachable "$svc"; then
    say "$svc: ok ($host:$port)"
    return 0
  fi
  if ! is_local_host "$host"; then
    die "$svc is not reachable at $host:$port" \
      "it is not a local address, so pushflow will not start it: start it there, or point $(svc_vars "$svc") at a running one"
  fi
  say "$svc: not reachable at $host:$port, starting it"
  if [[ -f $COMPOSE_FILE_PATH ]] && docker_engine && find_compose; then
    say "  ${COMPOSE[*]} up -d $svc"
    mark_started "$svc" compose
    compose up -d "$svc" || { show_logs "$svc"; die "${COMPOSE[*]} up -d $svc failed"; }
    # docker's port proxy accepts connections before the server is ready: wait for the healthcheck
    compose_wait_healthy "$svc" "$PUSHFLOW_COMPOSE_TIMEOUT"
    wait_for "$svc" "$PUSHFLOW_COMPOSE_TIMEOUT"
  elif debian_root; then
    start_debian "$svc"
    wait_for "$svc" "$PUSHFLOW_WAIT_TIMEOUT"
    if [[ $svc == rabbitmq && -f $STATE_DIR/installed.rabbitmq ]]; then
      # Only for a RabbitMQ we installed ourselves: the compose image has the management UI too.
      rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 \
        || warn "could not enable rabbitmq_management (the AMQP port works regardless)"
    fi
  else
    local why
    if [[ ! -f /etc/debian_version ]] || ! have apt-get; then why="this is not a Debian system with apt-get"
    else why="installing needs root (run: sudo bin/pushflow services up)"; fi
    die "$svc is not reachable at $host:$port and pushflow cannot start it" \
      "no Docker engine with compose answers (docker info / docker compose), and $why" \
      "start $svc yourself, or point $(svc_vars "$svc") at a running one"
  fi
  say "$svc: ok ($host:$port, started via $(started_how "$svc"))"
}

# --- MySQL ------------------------------------------------------------------------------------
sql_str() { local s=${1//\\/\\\\}; s=${s//\'/\'\'}; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

need_mysql_client() {
  have mysql && return 0
  if debian_root; then apt_install mariadb-client; fi
  have mysql || die "the mysql client is missing" "install it (Debian: apt-get install mariadb-client)"
}

# mysql as the app user over TCP
mysql_app() {
  MYSQL_PWD="$MYSQL_PASSWORD" mysql --protocol=TCP --connect-timeout=5 \
    -h"$MYSQL_HOST" -P"$MYSQL_PORT" -u"$MYSQL_USER" "$@"
}

MYSQL_ROOT_CMD=()
find_mysql_root() {   # TCP first; MariaDB may accept root only through its Unix socket
  local pw_env=(env -u MYSQL_PWD)
  [[ -n $MYSQL_ROOT_PASSWORD ]] && pw_env=(env MYSQL_PWD="$MYSQL_ROOT_PASSWORD")
  local tcp=("${pw_env[@]}" mysql --protocol=TCP --connect-timeout=5 -h"$MYSQL_HOST" -P"$MYSQL_PORT" -u"$MYSQL_ROOT_USER")
  local sock=("${pw_env[@]}" mysql --protocol=SOCKET --connect-timeout=5 -u"$MYSQL_ROOT_USER")
  if "${tcp[@]}" -e 'SELECT 1' >/dev/null 2>&1; then MYSQL_ROOT_CMD=("${tcp[@]}"); return 0; fi
  if is_local_host "$MYSQL_HOST"; then
    # unix_socket auth ignores the password; try without one too (root@localhost often has none)
    local sock_nopw=(env -u MYSQL_PWD mysql --protocol=SOCKET --connect-timeout=5 -u"$MYSQL_ROOT_USER")
    if "${sock[@]}" -e 'SELECT 1' >/dev/null 2>&1; then MYSQL_ROOT_CMD=("${sock[@]}"); return 0; fi
    if "${sock_nopw[@]}" -e 'SELECT 1' >/dev/null 2>&1; then MYSQL_ROOT_CMD=("${sock_nopw[@]}"); return 0; fi
  fi
  local err
  err=$("${tcp[@]}" -e 'SELECT 1' 2>&1 >/dev/null | tail -n 1 || true)
  die "cannot log in to MySQL as $MYSQL_ROOT_USER over TCP ($MYSQL_HOST:$MYSQL_PORT) nor through the local Unix socket: $err" \
    "set MYSQL_ROOT_USER / MYSQL_ROOT_PASSWORD, or run as root so the socket login works (MariaDB's unix_socket auth)," \
    "or create database $MYSQL_DATABASE and user $MYSQL_USER (GRANT ALL ON \`pushflow%\`.*) yourself"
}

setup_mysql() {
  need_mysql_client
  local probe="pushflow_t_probe_$$" check
  check="CREATE DATABASE IF NOT EXISTS $(sql_ident "$MYSQL_DATABASE"); CREATE DATABASE $(sql_ident "$probe"); DROP DATABASE $(sql_ident "$probe");"
  if mysql_app -e "$check" >/dev/null 2>&1; then
    say "mysql: database $MYSQL_DATABASE and user $MYSQL_USER ok"
    return 0
  fi
  find_mysql_root
  local u h sql
  u=$(sql_str "$MYSQL_USER")
  sql="CREATE DATABASE IF NOT EXISTS $(sql_ident "$MYSQL_DATABASE") CHARACTER SET utf8mb4;"
  for h in '%' localhost; do
    h=$(sql_str "$h")
    sql+="
CREATE USER IF NOT EXISTS $u@$h IDENTIFIED BY $(sql_str "$MYSQL_PASSWORD");
ALTER USER $u@$h IDENTIFIED BY $(sql_str "$MYSQL_PASSWORD");
GRANT ALL PRIVILEGES ON \`pushflow%\`.* TO $u@$h;
GRANT ALL PRIVILEGES ON $(sql_ident "$MYSQL_DATABASE").* TO $u@$h;"
  done
  sql+=$'\nFLUSH PRIVILEGES;'
  "${MYSQL_ROOT_CMD[@]}" -e "$sql" || die "creating database $MYSQL_DATABASE / user $MYSQL_USER failed (as $MYSQL_ROOT_USER)"
  local err
  err=$(mysql_app -e "$check" 2>&1 >/dev/null) \
    || die "user $MYSQL_USER still cannot log in over TCP and create a database: $err"
  say "mysql: created database $MYSQL_DATABASE and user $MYSQL_USER (all privileges on \`pushflow%\`.*)"
}

# --- ClickHouse -------------------------------------------------------------------------------
# ch_credentials: curl's config line with the ClickHouse user and password, read by curl from a pipe (printf is a
# builtin: the password is in no process's command line, where `ps` would show it)
ch_credentials() {
  local v="$CLICKHOUSE_USER:$CLICKHOUSE_PASSWORD"
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  printf 'user = "%s"\n' "$v"
}

# ch_query SQL [url-params]: one statement over HTTP; prints the body, fails with it on HTTP != 200
ch_query() {
  local out err code
  out=$(mktemp); err=$(mktemp)
  code=$(curl -sS --max-time 60 -o "$out" -w '%{http_code}' \
    --config <(ch_credentials) --data-binary "$1" \
    "${CLICKHOUSE_URL%/}/?max_execution_time=60${2:+&$2}" 2>"$err") || true
  if [[ $code == 200 ]]; then cat "$out"; rm -f "$out" "$err"; return 0; fi
  cat "$err" "$out" >&2; rm -f "$out" "$err"
  return 1
}

setup_clickhouse() {   # the database and every file of sql/clickhouse, through the tools CLI (ClickHouseSchema.apply)
  # a run of a second: the JIT's first tier and the serial collector start it sooner (run_tool's default suits benchmarks)
  (cd "$ROOT" && exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$ROOT/$TOOLS_JAR_REL" io.pushflow.tools.Schema apply 9>&-) \
    || die "cannot apply sql/clickhouse to ClickHouse database $CLICKHOUSE_DATABASE at $CLICKHOUSE_URL as $CLICKHOUSE_USER (message above)"
}

# The broker refuses message bodies over 16 MiB (the jobs' sources read no larger ones; a larger message would close
# their connection and come back for ever). Its setting, not persisted: a restarted broker gets it again here.
RABBITMQ_MAX_MESSAGE_SIZE=16777216
setup_rabbitmq() {
  is_local_host "$(svc_host rabbitmq)" && have rabbitmqctl && is_root || return 0
  timeout 30 rabbitmqctl eval "application:set_env(rabbit, max_message_size, $RABBITMQ_MAX_MESSAGE_SIZE)." >/dev/null 2>&1 \
    || warn "could not limit RabbitMQ's message size with rabbitmqctl (the jobs read no body over $RABBITMQ_MAX_MESSAGE_SIZE bytes)"
}

services_up() {
  build_tools   # before the lock: a build on a fresh clone must not keep other worktrees' `services up` waiting
  if have flock; then   # two concurrent `services up` must not both install/start things
    state_dir
    exec 9>"$STATE_DIR/lock"
    flock -w 600 9 || die "another 'pushflow services up' holds $STATE_DIR/lock"
  fi
  local svc
  for svc in "${SERVICES[@]}"; do ensure_service "$svc"; done
  setup_mysql
  setup_rabbitmq
  setup_clickhouse
  ensure_browser
  # the lock guards the setup only: a long command after it (admin, bench, test) must not keep others waiting
  if have flock; then exec 9>&-; fi
}

# The console's browser tests drive Debian's headless Chromium through its chromedriver.
ensure_browser() {
  if have chromium && have chromedriver; then return 0; fi
  if debian_root; then apt_install chromium chromium-driver; fi
  if have chromium && have chromedriver; then say "chromium: $(chromium --version 2>/dev/null || echo installed)"
  else warn "chromium/chromedriver missing (Debian as root: apt-get install chromium chromium-driver): the console's browser tests will fail"; fi
}

services_status() {
  local svc host port version how rc=0
  for svc in "${SERVICES[@]}"; do
    host=$(svc_host "$svc"); port=$(svc_port "$svc"); how=$(started_how "$svc")
    if svc_reachable "$svc"; then
      version=$("${svc}_version" || true)
      printf '%-11s up     %-22s %s%s\n' "$svc" "$host:$port" "${version:-?}" "${how:+  (started by pushflow via $how)}"
    else
      printf '%-11s DOWN   %-22s not reachable%s\n' "$svc" "$host:$port" "${how:+  (pushflow had started it via $how)}"
      rc=1
    fi
  done
  return "$rc"
}

services_down() {
  local svc how i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    svc=${SERVICES[i]}
    how=$(started_how "$svc")
    if [[ -z $how ]]; then
      say "$svc: left alone (not started by pushflow)"
      continue
    fi
    case "$how" in
      compose)
        if find_compose; then compose stop "$svc" >/dev/null; else warn "no docker compose to stop $svc"; continue; fi ;;
      debian)
        stop_debian "$svc" ;;
    esac
    rm -f "$STATE_DIR/started.$svc"
    say "$svc: stopped (pushflow had started it via $how)"
  done
}

# services stop|start SVC: one local service down and up again whoever started it (the chaos suite's outages); a
# service `up` did not start stays recorded as not pushflow's
services_stop_one() {
  local svc=$1
  is_local_host "$(svc_host "$svc")" || die "$svc is not local: pushflow stops only services on this machine"
  if [[ $(started_how "$svc") == compose ]]; then
    find_compose || die "no docker compose to stop $svc"
    compose stop "$svc" >/dev/null
  else
    stop_debian "$svc"
  fi
  local i
  for ((i = 0; i < 60; i++)); do svc_reachable "$svc" || break; sleep 1; done
  svc_reachable "$svc" && die "$svc still answers 60 s after it was told to stop"
  say "$svc: stopped"
}

services_start_one() {
  local svc=$1 how
  how=$(started_how "$svc")
  ensure_service "$svc"
  [[ -n $how ]] || rm -f "$STATE_DIR/started.$svc"
}

cmd_services() {
  local sub=${1:-}
  case "$sub" in
    up) services_up ;;
    status) services_status ;;
    down) services_down ;;
    stop|start)
      [[ $# -eq 2 && " ${SERVICES[*]} " == *" $2 "* ]] || die "services $sub names one service: ${SERVICES[*]}"
      "services_${sub}_one" "$2"
      ;;
    *) usage >&2; die "services needs one of: up, status, down, stop SVC, start SVC" ;;
  esac
}
