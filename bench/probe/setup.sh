#!/usr/bin/env bash
# Per-request probes of the HTTPS door (issue 16), as used for BENCHMARKS.md "Where a small
# request's time goes". Builds, in $PROBE_DIR (default /tmp/gitedge-probe):
#   up/github.com/acme/small.git   a Go module with 100 commits and 100 tags
#   cg/                             C git: nginx + fcgiwrap + git http-backend over TLS on :18444
#   gw/ gwA/ gwB/                   gateway configs for :18443 (A) and :18445 (B), one token
# then starts C git. Start gateways with:  probe/setup.sh gw JAR_A [JAR_B]
#   (java -jar, no CDS archive on either side; JOPTS adds JVM options, e.g. JFR)
# Probes (each alternates sides; medians of rounds; server CPU from /proc, 10 ms ticks):
#   python3 cpu.py 200 keep info,lsrefs,fetch   gateway A vs C git, server CPU and wall per request
#   python3 ab.py 300 8 info keep                gateway A vs B, request-thread and JVM CPU per request
#   python3 v0v2.py 20 ls-remote                 one gateway (PORT=18443|18445), protocol v0 vs v2
#   python3 threads.py CMD...                    CPU of gateway A's threads, by name, while CMD runs
#   python3 jfrtree.py FILE.txt FRAME DEPTH      callees of FRAME in `jfr print --events jdk.ExecutionSample`
set -euo pipefail
D="${PROBE_DIR:-/tmp/gitedge-probe}"; export PROBE_DIR="$D"
pkt() { printf '%04x%s' $(( ${#1} + 4 )) "$1"; }
if [[ "${1:-}" == gw ]]; then
  for s in A B; do
    jar="${2:-}"; [[ $s == B ]] && jar="${3:-}"; [[ -z "$jar" ]] && continue
    port=$([[ $s == A ]] && echo 18443 || echo 18445)
    (cd "$D/gw$s" && setsid java ${JOPTS:-} -jar "$(realpath "$jar")" serve --config gitedge.yaml \
      >>gateway.log 2>&1 &)
    until curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/readyz" 2>/dev/null \
      | grep -q 200; do sleep 0.05; done
    until [[ -d "$D/gw$s/data/mirrors/github.com/acme/small.git/objects" ]]; do sleep 0.2; done
    [[ $s == A ]] && ln -sfn "$D/gwA/data" "$D/gw/data"
    echo "gateway $s ready on $port"
  done
  exit 0
fi
mkdir -p "$D" && cd "$D"
if [[ ! -d up/github.com/acme/small.git ]]; then
  rm -rf src && git init -q src && (cd src && git config user.email a@b && git config user.name a
    printf 'module github.com/acme/small\n\ngo 1.19\n' >go.mod
    for i in $(seq 1 100); do
      printf 'package small\n\n// V is the version.\nconst V = %d\n' "$i" >small.go
      for j in 1 2 3; do echo "line $i $j" >>notes.txt; done
      git add -A && git commit -qm "v$i" && git tag "v1.0.$i"
    done)
  mkdir -p up/github.com/acme && git clone -q --bare src up/github.com/acme/small.git
fi
token=gte_probe0123456789probe0123456789probe01234; echo "$token" >token
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
mkdir -p gw gwA gwB home
for s in A B; do
  port=$([[ $s == A ]] && echo 18443 || echo 18445); ssh=$([[ $s == A ]] && echo 18022 || echo 18024)
  printf 'users:\n  bench:\n    groups: [eng]\n    tokens: ["sha256:%s"]\n' "$hash" >"gw$s/identity.yaml"
  cat >"gw$s/gitedge.yaml" <<YAML
region: bench
dataDir: ./data
http:
  listen: 127.0.0.1:$port
ssh:
  listen: 127.0.0.1:$ssh
identity:
  file: identity.yaml
access:
  rules:
    - { repos: "github.com/acme/**", groups: [eng] }
upstreams:
  - prefix: github.com/acme
    url: file://$D/up/github.com/acme
    repos: [small]
    syncInterval: 1h
YAML
done
{ pkt $'command=ls-refs\n'; pkt $'agent=git/2.39.5\n'; pkt $'object-format=sha1\n'; printf 0001
  pkt $'peel\n'; pkt $'symrefs\n'; pkt $'ref-prefix HEAD\n'; pkt $'ref-prefix refs/heads/\n'
  pkt $'ref-prefix refs/tags/\n'; printf 0000; } >lsrefs.body
want=$(git -C up/github.com/acme/small.git rev-parse v1.0.50)
{ pkt $'command=fetch\n'; pkt $'agent=git/2.39.5\n'; pkt $'object-format=sha1\n'; printf 0001
  pkt $'thin-pack\n'; pkt $'no-progress\n'; pkt $'include-tag\n'; pkt $'ofs-delta\n'
  pkt $'deepen 1\n'; pkt "want $want"$'\n'; pkt $'done\n'; printf 0000; } >fetch.body
mkdir -p cg && cd cg
[[ -f cert.pem ]] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null
for d in body fastcgi proxy uwsgi scgi; do mkdir -p "tmp/$d"; done
cat >nginx.conf <<NGINX
user root root;
worker_processes 2;
daemon off;
pid $D/cg/nginx.pid;
error_log $D/cg/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $D/cg/tmp/body;
  fastcgi_temp_path $D/cg/tmp/fastcgi;
  proxy_temp_path $D/cg/tmp/proxy;
  uwsgi_temp_path $D/cg/tmp/uwsgi;
  scgi_temp_path $D/cg/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:18444 ssl;
    ssl_certificate $D/cg/cert.pem;
    ssl_certificate_key $D/cg/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location ~ ^/git(/.*)\$ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $D/up;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param PATH_INFO \$1;
      fastcgi_param GIT_PROTOCOL \$http_git_protocol;
      fastcgi_buffering off;
      fastcgi_pass unix:$D/cg/fcgiwrap.sock;
    }
  }
}
NGINX
rm -f fcgiwrap.sock
(env -i PATH="$PATH" HOME="$D/cg" GIT_CONFIG_NOSYSTEM=1 setsid fcgiwrap -c 16 \
  -s "unix:$D/cg/fcgiwrap.sock" >fcgiwrap.log 2>&1 &)
sleep 0.5
(setsid nginx -c "$D/cg/nginx.conf" -e "$D/cg/nginx-error.log" >nginx.log 2>&1 &)
sleep 0.5 && echo "C git on 18444 (nginx pid $(cat nginx.pid))"
