"""WS-Discovery: find ONVIF cameras by a multicast Probe on the LAN and by unicast Probes to hosts or a subnet.

Probes go to UDP 3702 from one socket; every ProbeMatch received within the timeout is parsed into a
`DiscoveredDevice` (deduplicated by endpoint address). Replies that do not parse are skipped.
"""

from __future__ import annotations

import ipaddress
import logging
import select
import socket
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from devices.onvif.models import DiscoveredDevice

__all__ = ["MULTICAST_GROUP", "WS_DISCOVERY_PORT", "discover", "parse_probe_matches", "probe_message"]

log = logging.getLogger("controlroom.devices")

MULTICAST_GROUP = "239.255.255.250"
WS_DISCOVERY_PORT = 3702
MAX_SUBNET_HOSTS = 1024
_MAX_REPLY = 65_535

_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
 xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
 xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
 <s:Header>
  <a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>
  <a:MessageID>urn:uuid:{message_id}</a:MessageID>
  <a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>
  <a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>
 </s:Header>
 <s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>
</s:Envelope>"""


def probe_message(message_id: str | None = None) -> bytes:
    """The SOAP Probe for ONVIF video transmitters."""
    return _PROBE.format(message_id=message_id or uuid.uuid4()).encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(elem: ET.Element, name: str) -> str:
    for child in elem.iter():
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return ""


def parse_probe_matches(payload: bytes, source: str) -> list[DiscoveredDevice]:
    """Parse the ProbeMatch elements of a reply (any namespace prefix); [] if it does not parse."""
    if len(payload) > _MAX_REPLY or b"<!DOCTYPE" in payload or b"<!ENTITY" in payload:
        return []
    try:
        root = ET.fromstring(payload)
    except ET.ParseError:
        log.debug("WS-Discovery: unparsable reply from %s", source)
        return []
    found = []
    for match in root.iter():
        if _local(match.tag) != "ProbeMatch":
            continue
        found.append(
            DiscoveredDevice(
                address=_child_text(match, "Address"),
                xaddrs=_child_text(match, "XAddrs").split(),
                scopes=_child_text(match, "Scopes").split(),
                types=_child_text(match, "Types").split(),
                source=source,
            )
        )
    return found


def _targets(hosts: Iterable[str], subnet: str | None) -> list[str]:
    targets = list(hosts)
    if subnet:
        net = ipaddress.ip_network(subnet, strict=False)
        if net.num_addresses > MAX_SUBNET_HOSTS + 2:
            raise ValueError(f"subnet {subnet} is larger than {MAX_SUBNET_HOSTS} hosts")
        targets += [str(ip) for ip in net.hosts()] or [str(net.network_address)]
    return targets


def discover(
    *,
    hosts: Iterable[str] = (),
    subnet: str | None = None,
    multicast: bool = True,
    timeout: float = 3.0,
    port: int = WS_DISCOVERY_PORT,
) -> list[DiscoveredDevice]:
    """Probe by multicast and/or unicast to `hosts` and every host of `subnet`; return what answered."""
    targets = _targets(hosts, subnet)
    message = probe_message()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP) as sock:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
        sock.bind(("", 0))
        if multicast:
            _send(sock, message, MULTICAST_GROUP, port)
        for host in targets:
            _send(sock, message, host, port)
        return _collect(sock, timeout)


def _send(sock: socket.socket, message: bytes, host: str, port: int) -> None:
    try:
        sock.sendto(message, (host, port))
    except OSError as exc:  # no route to a LAN, or to one host: the others may still answer
        log.info("WS-Discovery: cannot probe %s: %s", host, exc)


def _collect(sock: socket.socket, timeout: float) -> list[DiscoveredDevice]:
    found: dict[str, DiscoveredDevice] = {}
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            break
        try:
            payload, (source, _port) = sock.recvfrom(_MAX_REPLY + 1)
        except OSError:
            continue
        for device in parse_probe_matches(payload, source):
            found.setdefault(device.address or f"{source}:{device.xaddrs}", device)
    return list(found.values())
