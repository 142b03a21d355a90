#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing.
# Usage: scripts/install-system.sh run|test
#   run:  what the web app needs (libmagic, qpdf, Node.js for the Bootstrap Italia assets,
#         ClamAV's daemon and freshclam for the private antivirus: scripts/start-clamd.sh;
#         LibreOffice and Ghostscript for «Correggi automaticamente», checker/fix/; DejaVu, the
#         font of the PDF report, checker/web/report_pdf.py)
#   test: also Chromium (browser tests), the clamscan tools, Redis (the job-queue tests start
#         their own redis-server on a free port), two font families for the real PDF producers
#         of the PDF/A differential tests (samples/gen_producers.py), and pdftotext
#         (poppler-utils) for the fix tests
set -euo pipefail
mode=${1:-run}
packages=(libmagic1 qpdf python3-venv nodejs npm clamav-daemon clamav-freshclam
          libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui ghostscript
          fonts-dejavu-core)
if [ "$mode" = test ]; then
  packages+=(chromium clamav redis-server fonts-liberation2 fonts-crosextra-carlito poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm may come from elsewhere (nvm, NodeSource): a working npm is enough.
if command -v npm >/dev/null 2>&1; then
  kept=(); for p in "${missing[@]}"; do [[ "$p" = nodejs || "$p" = npm ]] || kept+=("$p"); done
  missing=("${kept[@]+"${kept[@]}"}")
fi
# python3 -m venv works without Debian's python3-venv when Python is not Debian's.
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  kept=(); for p in "${missing[@]+"${missing[@]}"}"; do [ "$p" = python3-venv ] || kept+=("$p"); done
  missing=("${kept[@]+"${kept[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
