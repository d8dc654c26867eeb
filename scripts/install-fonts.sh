#!/bin/sh
# Free CJK fonts for the official-document renderer (lianxi.typesetting), from Debian packages.
#
#   仿宋  -> FandolFang     (only FandolFang-Regular.otf, taken out of texlive-lang-chinese)
#   宋体 / 小标宋 -> Noto Serif CJK SC, 黑体 -> Noto Sans CJK SC   (fonts-noto-cjk)
#   楷体  -> AR PL UKai     (fonts-arphic-ukai)
#
# The proprietary official fonts (方正小标宋, 仿宋_GB2312, 楷体_GB2312, 黑体) are preferred
# when an install has them (see lianxi/typesetting/fonts.py); this script only adds the free ones.
# Idempotent: run it as often as you like. Needs root (or sudo) and a Debian mirror.
set -eu

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DEST=/usr/local/share/fonts/lianxi
FANDOL="$DEST/FandolFang-Regular.otf"

sh "$(dirname "$0")/apt-need.sh" fonts-noto-cjk fonts-arphic-ukai fontconfig

changed=""
if [ ! -s "$FANDOL" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # A machine whose package lists were never fetched cannot download: fetch them once then.
    (cd "$tmp" && apt-get download texlive-lang-chinese) \
        || { $SUDO apt-get update -qq && (cd "$tmp" && apt-get download texlive-lang-chinese); }
    dpkg -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    src=$(find "$tmp/x" -name FandolFang-Regular.otf | head -n 1)
    if [ -z "$src" ]; then
        echo "FandolFang-Regular.otf not found in texlive-lang-chinese" >&2
        exit 1
    fi
    $SUDO mkdir -p "$DEST"
    $SUDO install -m 0644 "$src" "$FANDOL"
    changed=yes
fi

# Newly installed packages refresh the cache through their own fontconfig trigger.
if [ -n "$changed" ]; then
    $SUDO fc-cache -f >/dev/null
fi

fc-list :lang=zh family | grep -q -i fandol || { echo "FandolFang not visible to fontconfig" >&2; exit 1; }
echo "fonts ok: $(fc-list : family | grep -i -E 'fandol|noto serif cjk sc|noto sans cjk sc|ukai' | sort -u | tr '\n' ';')"
