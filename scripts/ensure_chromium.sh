#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium). Install it when missing and we can.
set -euo pipefail
# Both: a machine with chromium but without the CJK fonts would render Chinese as boxes in screenshots.
if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium and CJK fonts for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "The browser tests need Debian's chromium: sudo apt-get install chromium fonts-noto-cjk" >&2
  exit 1
fi
