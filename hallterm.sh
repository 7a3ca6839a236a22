#!/usr/bin/env bash
# hallterm set-up and entry point. Does all set-up on a fresh Debian machine
# (Debian packages, a virtual environment, Python packages, the voice pack),
# then runs what was asked:
#   ./hallterm.sh demo   the demo hall: server, agents, emulated devices, kiosk and
#                        counter when a display exists
#   ./hallterm.sh test   the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"

# Debian packages: Qt's runtime libraries, CJK fonts, a virtual screen for
# screenshots, Chromium for web tests, espeak-ng/sox for the voice pack,
# libzbar for pyzbar, CUPS with a PDF printer for the certificate print path.
APT_PACKAGES=(
  python3-venv python3-pip
  fonts-noto-cjk
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libpulse0
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
  xvfb xauth chromium
  espeak-ng sox libzbar0
  cups printer-driver-cups-pdf poppler-utils
)

say() { printf '[hallterm] %s\n' "$*" >&2; }

ensure_debian_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "安装系统软件包 / installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_for_venv() {
  for py in python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  say "需要 Python 3.11 / Python 3.11 is required"; exit 1
}

ensure_venv() {
  local stamp="$VENV/.hallterm-installed" want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "创建虚拟环境 / creating the virtual environment"
    "$(python_for_venv)" -m venv "$VENV"
  fi
  say "安装 Python 依赖 / installing Python packages"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
}

ensure_voice_pack() {
  if [ -f hall_server/agents/voice.py ]; then
    "$VENV/bin/python" -m hall_server.agents.voice build-default-pack --quiet || say "语音包生成失败 / voice pack build failed"
  fi
}

ensure_translations() {
  # Qt .qm files are built from the .ts sources (they are not committed).
  "$VENV/bin/python" -m kiosk.ui.translations build >/dev/null || say "翻译文件生成失败 / building translations failed"
  "$VENV/bin/python" -m kiosk.counter.ui.translations build >/dev/null || say "翻译文件生成失败 / building translations failed"
}

setup() {
  ensure_debian_packages
  ensure_venv
  ensure_voice_pack
  ensure_translations
}

cmd=${1:-}
shift || true
case "$cmd" in
  demo)
    setup
    exec "$VENV/bin/python" -m hall_server.demo_hall "$@"
    ;;
  test)
    setup
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/lint-imports" --config pyproject.toml
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  setup)
    setup
    ;;
  *)
    echo "usage: ./hallterm.sh demo|test|setup" >&2
    exit 2
    ;;
esac
