#!/bin/sh
# LibreOffice Writer, headless, to check that the minutes' .docx converts (soffice --convert-to pdf).
# Only the tests need it; the renderer does not. Idempotent. Needs root (or sudo).
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v soffice >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends libreoffice-writer
fi
soffice --version
