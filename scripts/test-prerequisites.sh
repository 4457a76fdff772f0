#!/usr/bin/env bash
# What the test suite needs beyond the Python and npm packages `make setup` installs:
# Debian packages (browsers, coturn, fonts, the PostgreSQL client) and the running PostgreSQL and
# Redis servers. Installs only what is missing, so it costs nothing on a machine that has it all.
set -euo pipefail

need_apt=()
command -v pg_isready >/dev/null || need_apt+=(postgresql-client)
# CJK glyphs for the names and labels burned into archive videos, and embedded in the transcript PDF
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
# the browser tests drive Debian's Chromium (never a downloaded one)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# ... and Debian's Firefox (WebDriver BiDi) and WebKitGTK, Safari's engine (WebDriver, on Xvfb)
[ -x /usr/bin/firefox-esr ] || need_apt+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || need_apt+=(webkit2gtk-driver)
[ -x /usr/bin/Xvfb ] || need_apt+=(xvfb)
# a real TURN server checks the per-participant TURN credentials
command -v turnserver >/dev/null || need_apt+=(coturn)
command -v npm >/dev/null || need_apt+=(nodejs npm)
# network namespaces and traffic shaping for the weak-link tests
command -v ip >/dev/null || need_apt+=(iproute2)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the tests need these Debian packages: ${need_apt[*]} (run as root, or install them: apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
  echo "installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# PostgreSQL and Redis are started with the machine; start them again if they stopped.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
