#!/usr/bin/env bash
# Issue 16, start-up A/B: for each variant (JDK x start-up cache), `./gitedge serve` with its
# mirrors on disk -> /readyz 200, then the first and the second `git clone` of `medium` after
# that start; variants alternate within every round, so a busy machine hits all alike.
#   bench/startup-ab.sh [ROUNDS] [VARIANT...]    (default: 7 rounds, every variant)
# Variants: 17-off 17-serve 17-trained 25-off 25-cds 25-aot 25-aot-coh
#   *-off      GITEDGE_CDS=off: no archive, no cache
#   17-serve   the archive the launcher made before issue 16: dumped at the exit of a first `serve`
#   *-trained / 25-cds   the class-data-sharing archive trained by `./gitedge train`
#   25-aot     the ahead-of-time cache trained by `./gitedge train`; -coh: compact object headers
# SKIP_TRAIN=1 with GITEDGE_CACHE_DIR: use the caches trained there already.
# Prints one line per run, then medians (min-max) per variant. Needs the repositories
# bench/.repos/{medium,small}.git (bench/run makes them), git, curl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-7}"
shift || true
variants=("$@")
((${#variants[@]})) || variants=(17-off 17-serve 17-trained 25-off 25-cds 25-aot 25-aot-coh)
jdk17="${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jdk25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
repos="${REPOS:-$root/bench/.repos}"
work="$(mktemp -d /tmp/gitedge-startup-ab.XXXXXX)"
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true' EXIT INT TERM
https=$((20000 + RANDOM % 20000)); ssh=$((https + 1))
token="gte_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
mkdir -p "$work/gw" "$work/cache" "$work/up/bench"
cp -r "$repos/medium.git" "$repos/small.git" "$work/up/bench/"
cat >"$work/gw/identity.yaml" <<EOF
users:
  bench:
    groups: [eng, admins]
    tokens: ["sha256:$(printf %s "$token" | sha256sum | cut -c1-64)"]
EOF
cat >"$work/gw/gitedge.yaml" <<EOF
region: bench
dataDir: ./data
http:
  listen: 127.0.0.1:$https
ssh:
  listen: 127.0.0.1:$ssh
identity:
  file: identity.yaml
access:
  rules:
    - { repos: "bench/**", groups: [eng] }
upstreams:
  - prefix: bench
    url: file://$work/up/bench
    repos: [medium, small]
    syncInterval: 1h
EOF
cert="$work/gw/data/keys/tls.crt"
export GITEDGE_LOG_LEVEL=warn GITEDGE_CACHE_DIR="${GITEDGE_CACHE_DIR:-$work/cache}"
printf 'machine 127.0.0.1 login bench password %s\n' "$token" >"$work/netrc"
mkdir -p "$work/home" && cp "$work/netrc" "$work/home/.netrc" && chmod 600 "$work/home/.netrc"

env_of() { # the environment of a variant
  case "$1" in
    17-off) echo "JAVA_HOME=$jdk17 GITEDGE_CDS=off" ;;
    17-serve) echo "JAVA_HOME=$jdk17 GITEDGE_CDS=off GITEDGE_JAVA_OPTS=-XX:SharedArchiveFile=$work/serve.jsa" ;;
    17-trained) echo "JAVA_HOME=$jdk17" ;;
    25-off) echo "JAVA_HOME=$jdk25 GITEDGE_CDS=off" ;;
    25-cds) echo "JAVA_HOME=$jdk25 GITEDGE_AOT=off" ;;
    25-aot) echo "JAVA_HOME=$jdk25" ;;
    25-aot-coh) echo "JAVA_HOME=$jdk25 GITEDGE_JAVA_OPTS=-XX:+UseCompactObjectHeaders" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

now() { date +%s%N; }
secs() { awk "BEGIN { printf \"%.3f\", ($2 - $1) / 1e9 }"; }
# CPU seconds the gateway's JVM has used, all threads: on a busy machine a steadier measure of
# the work a start or a clone costs the server than wall time
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$(cat "$work/pid")/stat"; }

# starts the gateway of a variant (extra JVM options in $2), waits for /readyz; prints seconds
# and the JVM's CPU seconds by then
launch() {
  local t0 t1
  t0=$(now)
  (cd "$work/gw" && exec env $(env_of "$1") ${2:+GITEDGE_JAVA_OPTS="$2"} "$root/gitedge" serve \
    --config gitedge.yaml >>"$work/gw/gateway.log" 2>&1) &
  echo $! >"$work/pid"
  until [[ -f "$cert" ]] && [[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$cert" \
      "https://127.0.0.1:$https/readyz")" == 200 ]]; do
    kill -0 "$(cat "$work/pid")" 2>/dev/null || { tail -20 "$work/gw/gateway.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(now)
  echo "$(secs "$t0" "$t1") $(cpu)"
}

stop() { # SIGTERM, as an orchestrator stops it, and wait until the JVM is gone
  local pid
  pid="$(cat "$work/pid")"
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

clone() { # seconds for one `git clone` of medium, and the gateway's CPU seconds for it
  local d="$work/clone" t0 t1 c0
  rm -rf "$d"
  c0=$(cpu)
  t0=$(now)
  HOME="$work/home" GIT_SSL_CAINFO="$cert" GIT_CONFIG_NOSYSTEM=1 git clone -q \
    "https://127.0.0.1:$https/bench/medium.git" "$d"
  t1=$(now)
  rm -rf "$d"
  echo "$(secs "$t0" "$t1") $(awk "BEGIN { printf \"%.2f\", $(cpu) - $c0 }")"
}

echo "startup-ab: $rounds rounds of ${variants[*]}; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# first start: create the mirrors, fill the pack cache's disk tier, as a deployed gateway has them
launch 17-off >/dev/null
for r in medium small; do
  curl -sf --cacert "$cert" -H "Authorization: Bearer $token" -X POST \
    "https://127.0.0.1:$https/api/v1/mirrors/bench/$r/sync?wait=true" >/dev/null
done
clone >/dev/null
stop
# what each variant maps: trained in the foreground, or (17-serve) dumped at a serve's exit
for v in "${variants[@]}"; do
  case "$v" in
    17-serve) launch 17-off "-XX:ArchiveClassesAtExit=$work/serve.jsa -Xlog:cds=off" >/dev/null
      clone >/dev/null; stop ;;
    *-off) ;;
    *) if [[ -z "${SKIP_TRAIN:-}" ]]; then
        env $(env_of "$v") "$root/gitedge" train >"$work/train-$v.log" 2>&1 \
          || { tail -20 "$work/train-$v.log" >&2; exit 1; }
      fi ;;
  esac
done

results="$work/results"
for ((i = 0; i < rounds; i++)); do
  n=${#variants[@]}
  for ((k = 0; k < n; k++)); do
    v="${variants[$(((k + i) % n))]}"
    ready=$(launch "$v")
    first=$(clone)
    second=$(clone)
    stop
    echo "$v $ready $first $second" | tee -a "$results" >&2
  done
done
echo "startup-ab: load $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    v, *vals = line.split()
    rows.setdefault(v, []).append([float(x) for x in vals])
print("| variant | start → /readyz | CPU to ready | first clone | second clone | first / second"
      " | server CPU, first clone | second clone |")
print("|---|---|---|---|---|---|---|---|")
fmt = lambda xs: "%.2f (%.2f–%.2f)" % (statistics.median(xs), min(xs), max(xs))
for v, rs in rows.items():
    ready, rcpu, first, fcpu, second, scpu = zip(*rs)
    ratio = [f / s for f, s in zip(first, second)]
    print("| %s | %s s | %s s | %s s | %s s | %.2f× (%.2f–%.2f) | %s s | %s s |" % (v, fmt(ready),
        fmt(rcpu), fmt(first), fmt(second), statistics.median(ratio), min(ratio), max(ratio),
        fmt(fcpu), fmt(scpu)))
EOF
