"""A second ONVIF peer for presets: a small HTTP proxy in front of ipycam that repairs its replies.

ipycam's GetPresets/SetPreset/GetStatus replies use the `ptz:`/`tptz:` prefixes without declaring them; this
proxy adds the declarations and rewrites the service addresses to itself, so a client sees a well-behaved
device with working presets and status (ipycam keeps the state).
"""

from __future__ import annotations

import http.client
import http.server
import re
import threading

PTZ_NS = "http://www.onvif.org/ver20/ptz/wsdl"
SCHEMA_NS = "http://www.onvif.org/ver10/schema"
_ENVELOPE = re.compile(rb"<(s|soap|SOAP-ENV|env):Envelope\b")


def repair(body: bytes, upstream: str, downstream: str) -> bytes:
    """Declare missing ptz/tptz/tt prefixes on the Envelope and point addresses at the proxy."""
    body = body.replace(upstream.encode(), downstream.encode())
    decls = b""
    for prefix, ns in (("ptz", PTZ_NS), ("tptz", PTZ_NS), ("tt", SCHEMA_NS)):
        if f"<{prefix}:".encode() in body and f"xmlns:{prefix}=".encode() not in body:
            decls += f' xmlns:{prefix}="{ns}"'.encode()
    if decls:
        body = _ENVELOPE.sub(lambda m: m.group(0) + decls, body, count=1)
    return body


class RepairingProxy:
    """Forward HTTP POSTs to 127.0.0.1:upstream_port and repair the SOAP replies."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                payload = self.rfile.read(length)
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=10)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                conn.request("POST", self.path, body=payload, headers=headers)
                reply = conn.getresponse()
                body = repair(reply.read(), proxy.upstream, proxy.downstream)
                conn.close()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.getheader("Content-Type", "application/soap+xml"))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.upstream = f"127.0.0.1:{upstream_port}"
        self.downstream = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> RepairingProxy:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
