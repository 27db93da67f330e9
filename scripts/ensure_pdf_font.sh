#!/usr/bin/env bash
# PDF documents (gridwatch.core.pdf) embed a Chinese TrueType font: WenQuanYi Micro Hei from Debian's
# fonts-wqy-microhei. Install it when missing and we can; GRIDWATCH_PDF_FONT may point to another font.
set -euo pipefail
if [ -n "${GRIDWATCH_PDF_FONT:-}" ] || [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's fonts-wqy-microhei for PDF documents…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
else
  echo "PDF documents need a Chinese font: sudo apt-get install fonts-wqy-microhei (or set GRIDWATCH_PDF_FONT)" >&2
  exit 1
fi
