#!/usr/bin/env bash
# Install the Debian packages the test suite drives (Chromium for browser tests, Dovecot as the
# IMAP server of the e-mail channel's tests, Tesseract with Czech data and Poppler for the fax
# channel's OCR) when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
tesseract --list-langs 2>/dev/null | grep -qx ces || need+=(tesseract-ocr tesseract-ocr-ces)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# WeasyPrint (the printed receipt of a recorded request) loads Pango and HarfBuzz, and needs
# fonts with Czech glyphs.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset' || need+=(libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
