#!/usr/bin/env bash
# Prepare the real peers that the device tests talk to (idempotent; CI calls it before pytest).
#  - Debian: GStreamer RTSP server + H.264 plugins + python3-gi (for testkit/rtsp_server.py), ffmpeg.
#  - ipycam (a virtual ONVIF camera) in its own venv: it pulls opencv-python, which must not meet the
#    project's opencv-python-headless.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS="ffmpeg python3-gi python3-venv gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-tools
gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
gstreamer1.0-libav"
missing=""
for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

VENV=.cache/ipycam-venv
IPYCAM_VERSION="${IPYCAM_VERSION:-1.3.0}"
if [ ! -x "$VENV/bin/python" ]; then
    mkdir -p .cache
    /usr/bin/python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import ipycam" 2>/dev/null; then
    "$VENV/bin/pip" install -q --disable-pip-version-check "ipycam==$IPYCAM_VERSION"
fi
echo "test peers ready: $("$VENV/bin/python" -c 'import importlib.metadata as m; print("ipycam", m.version("ipycam"))')"
