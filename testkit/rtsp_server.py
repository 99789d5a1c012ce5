#!/usr/bin/python3
"""A small GStreamer RTSP server for tests and benchmarks. Run it with Debian's /usr/bin/python3 (needs `gi`).

    /usr/bin/python3 testkit/rtsp_server.py --port 8554 \
        --file cam1=/path/a.mp4 --live live --stall stall=/path/a.mp4:2

Mounts:
  --file NAME=PATH        an MP4 (H.264) served by stream copy, from its start for each client
  --live NAME             videotestsrc ! x264enc, 640x360 at 10 fps
  --audio NAME            audio only (no video track), for the "no video track" test
  --stall NAME=PATH:SECS  like --file, but after SECS seconds the frames stop while the session stays open
  --user U --password P   every mount needs RTSP basic auth (run a second server for open mounts)
Prints "READY <port>" on stdout once it listens; stops on SIGTERM/SIGINT.
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

FILE_LAUNCH = "( filesrc location={path} ! qtdemux ! h264parse config-interval=-1 ! valve name=v ! rtph264pay name=pay0 pt=96 )"
LIVE_LAUNCH = (
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=10/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=20 ! rtph264pay name=pay0 pt=96 )"
)
AUDIO_LAUNCH = (
    "( audiotestsrc is-live=true ! audioconvert ! audioresample ! audio/x-raw,rate=8000,channels=1 "
    "! alawenc ! rtppcmapay name=pay0 pt=8 )"
)
PERMS = "media.factory.access=(boolean)true, media.factory.construct=(boolean)true"


def _factory(launch):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(False)
    return factory


def _stall_after(seconds):
    def configure(_factory, media):
        valve = media.get_element().get_by_name("v")

        def close():
            valve.set_property("drop", True)
            return False

        GLib.timeout_add(int(seconds * 1000), close)

    return configure


def _pairs(values):
    return [v.split("=", 1) for v in values or []]


def build(args):
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    factories = {}
    for name, path in _pairs(args.file):
        factories[name] = _factory(FILE_LAUNCH.format(path=path))
    for name in args.live or []:
        factories[name] = _factory(LIVE_LAUNCH)
    for name in args.audio or []:
        factories[name] = _factory(AUDIO_LAUNCH)
    for name, spec in _pairs(args.stall):
        path, secs = spec.rsplit(":", 1)
        factories[name] = _factory(FILE_LAUNCH.format(path=path))
        factories[name].connect("media-configure", _stall_after(float(secs)))
    if args.user:
        _add_auth(server, factories, args)
    for name, factory in factories.items():
        mounts.add_factory("/" + name, factory)
    return server


def _add_auth(server, factories, args):
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "user")
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    server.set_auth(auth)
    for factory in factories.values():
        factory.add_role_from_structure(Gst.Structure.from_string(f"user, {PERMS}")[0])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--file", action="append", metavar="NAME=PATH")
    parser.add_argument("--live", action="append", metavar="NAME")
    parser.add_argument("--stall", action="append", metavar="NAME=PATH:SECS")
    parser.add_argument("--audio", action="append", metavar="NAME")
    parser.add_argument("--user", help="require RTSP basic auth with this user on every mount")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    Gst.init(None)
    server = build(args)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        sys.stderr.write(f"cannot listen on {args.host}:{args.port}\n")
        return 1
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    sys.stdout.write(f"READY {args.port}\n")
    sys.stdout.flush()
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
