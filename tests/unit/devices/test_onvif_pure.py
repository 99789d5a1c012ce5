import errno

import pytest
from onvif.exceptions import ONVIFAuthError, ONVIFError
from zeep.exceptions import Fault

from devices.errors import AuthError, ConnectError, OnvifFault, StreamTimeout
from devices.onvif.discovery import _targets, parse_probe_matches, probe_message
from devices.onvif.errors import translate_onvif_error

MATCH = b"""<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
  xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
  xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">
 <env:Body><d:ProbeMatches><d:ProbeMatch>
  <wsa:EndpointReference><wsa:Address>urn:uuid:1234</wsa:Address></wsa:EndpointReference>
  <d:Types>dn:NetworkVideoTransmitter</d:Types>
  <d:Scopes>onvif://www.onvif.org/name/Gate%20Cam onvif://www.onvif.org/hardware/IPC-1</d:Scopes>
  <d:XAddrs>http://10.0.0.7/onvif/device_service http://[fe80::1]/onvif/device_service</d:XAddrs>
 </d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>"""


def test_probe_match_is_parsed():
    (d,) = parse_probe_matches(MATCH, "10.0.0.7")
    assert d.address == "urn:uuid:1234"
    assert d.xaddrs == ["http://10.0.0.7/onvif/device_service", "http://[fe80::1]/onvif/device_service"]
    assert d.name == "Gate Cam"
    assert d.hardware == "IPC-1"
    assert d.source == "10.0.0.7"


@pytest.mark.parametrize(
    "junk", [b"not xml", b"<a><b></a>", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', b"<x/>" * 20000]
)
def test_junk_replies_are_ignored(junk):
    assert parse_probe_matches(junk, "10.0.0.9") == []


def test_probe_message_is_a_ws_discovery_probe():
    msg = probe_message("abc").decode()
    assert "urn:uuid:abc" in msg
    assert "dn:NetworkVideoTransmitter" in msg
    assert "discovery/Probe</" in msg


def test_subnet_targets_are_bounded():
    assert _targets(["h"], "192.168.1.0/30") == ["h", "192.168.1.1", "192.168.1.2"]
    with pytest.raises(ValueError, match="larger"):
        _targets([], "10.0.0.0/16")


def _wrapped(inner: Exception) -> ONVIFError:
    try:
        raise ONVIFError(inner) from inner
    except ONVIFError as exc:
        return exc


def test_malformed_reply_is_an_onvif_fault_naming_operation_and_host():
    err = translate_onvif_error(
        _wrapped(ValueError("Invalid tag name 'tptz:Preset'")), host="cam:80", operation="GetPresets"
    )
    assert isinstance(err, OnvifFault)
    assert err.reason == "malformed reply"
    assert "GetPresets on cam:80" in err.message


def test_soap_fault_and_auth_and_timeout_and_refused_are_translated():
    fault = translate_onvif_error(Fault("Action not supported"), host="h", operation="AbsoluteMove")
    assert isinstance(fault, OnvifFault)
    assert "Action not supported" in fault.message
    assert isinstance(
        translate_onvif_error(Fault("Sender not Authorized"), host="h", operation="x"), AuthError
    )
    assert isinstance(translate_onvif_error(ONVIFAuthError("no"), host="h", operation="x"), AuthError)
    assert isinstance(translate_onvif_error(TimeoutError(), host="h", operation="x"), StreamTimeout)
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    err = translate_onvif_error(_wrapped(refused), host="h", operation="GetServices")
    assert isinstance(err, ConnectError)
    assert err.reason == "connection refused"
