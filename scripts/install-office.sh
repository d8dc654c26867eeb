#!/bin/sh
# LibreOffice Writer and Calc, headless, for the tests that open our .docx and .xlsx files the way
# a clerk's office suite would (soffice --convert-to pdf).
# Only the tests need it; the renderer does not. Idempotent. Needs root (or sudo).
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=""
for pkg in libreoffice-writer libreoffice-calc; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi
soffice --version
