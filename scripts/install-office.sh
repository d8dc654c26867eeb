#!/bin/sh
# LibreOffice Writer and Calc, headless, for the tests that open our .docx and .xlsx files the way
# a clerk's office suite would (soffice --convert-to pdf).
# Only the tests need it; the renderer does not. Idempotent. Needs root (or sudo).
set -eu
sh "$(dirname "$0")/apt-need.sh" libreoffice-writer libreoffice-calc
soffice --version
