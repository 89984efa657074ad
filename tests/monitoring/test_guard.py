"""The address guard's pure decisions: which URLs, addresses and allow-list entries pass (no network)."""

from __future__ import annotations

import ipaddress

import pytest
from django.utils import translation

from monitoring.exceptions import RefusedURL
from monitoring.feeds.guard import (
    embedded_ipv4,
    is_allowed_private,
    is_public_address,
    redirect_target,
    refused_address,
    url_check,
)

# URLs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://feeds.example/rss", "https://feeds.example:8443/atom.xml?q=dolfijnen", "HTTPS://Feeds.Example/"],
)
def test_web_addresses_pass(url):
    url_check(url)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://feeds.example/rss", "gopher://127.0.0.1:6379/_INFO", "javascript:alert(1)", "feed"],
)
def test_other_schemes_are_refused_in_plain_words(url):
    with translation.override("en"), pytest.raises(RefusedURL) as caught:
        url_check(url)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == "Only http and https addresses can be fetched."
    assert caught.value.permanent
    assert caught.value.url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@feeds.example/rss",
        "https://user@feeds.example/rss",
        "http://:secret@feeds.example/rss",
        "http://feeds.example@169.254.169.254/",
    ],
)
def test_addresses_with_credentials_are_refused(url):
    with translation.override("en"), pytest.raises(RefusedURL) as caught:
        url_check(url)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == "Addresses with a user name or password in them are not fetched."
    assert caught.value.permanent


@pytest.mark.parametrize(
    "url", ["http:///rss", "http://feeds.example:99999/rss", "http://feeds.example:0/", "http://[::1/", "http://"]
)
def test_addresses_without_a_valid_host_or_port_are_refused(url):
    with translation.override("en"), pytest.raises(RefusedURL) as caught:
        url_check(url)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == "The feed address is not a valid web address."


def test_an_octal_ipv4_host_is_refused_as_invalid():
    # getaddrinfo would read 0177.0.0.1 as 127.0.0.1; httpx refuses to parse it, and so do we.
    with pytest.raises(RefusedURL):
        url_check("http://0177.0.0.1/")


@pytest.mark.parametrize(
    ("location", "target"),
    [
        ("/new.xml", "http://feeds.example/new.xml"),
        ("new.xml", "http://feeds.example/dir/new.xml"),
        ("../up.xml", "http://feeds.example/up.xml"),
        ("//other.example/x", "http://other.example/x"),
        ("https://other.example/x", "https://other.example/x"),
        ("http://169.254.169.254/latest/meta-data/", "http://169.254.169.254/latest/meta-data/"),
    ],
)
def test_a_redirect_target_is_resolved_against_the_current_address(location, target):
    assert redirect_target("http://feeds.example/dir/old.xml", location) == target


@pytest.mark.parametrize("location", ["http://feeds.example/rss", "HTTP://other.example:80/"])
def test_a_redirect_from_https_to_plain_http_is_refused(location):
    with translation.override("en"), pytest.raises(RefusedURL) as caught:
        redirect_target("https://feeds.example/rss", location)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == (
            "The feed address redirects from a secure (https) address to an insecure (http) one, which is not followed."
        )
    assert caught.value.permanent
    assert caught.value.url == location


@pytest.mark.parametrize(
    ("url", "location", "target"),
    [
        ("https://feeds.example/rss", "//cdn.example/rss", "https://cdn.example/rss"),
        ("https://feeds.example/rss", "https://cdn.example/rss", "https://cdn.example/rss"),
        ("http://feeds.example/rss", "https://feeds.example/rss", "https://feeds.example/rss"),
        ("http://feeds.example/rss", "http://cdn.example/rss", "http://cdn.example/rss"),
    ],
)
def test_a_redirect_that_stays_secure_or_was_never_secure_is_followed(url, location, target):
    assert redirect_target(url, location) == target


def test_an_unreadable_redirect_target_is_refused():
    with pytest.raises(RefusedURL) as caught:
        redirect_target("http://feeds.example/", "http://[::1/")
    assert caught.value.url == "http://[::1/"


# Addresses --------------------------------------------------------------------------------------------

NOT_PUBLIC = [
    # loopback, "this network" and unspecified
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "::1", "::",  # noqa: S104
    # private (RFC 1918, unique local)
    "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fc00::1", "fd12:3456:789a::1",
    # link-local, incl. the cloud metadata service
    "169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%eth0", "fec0::1",
    # carrier-grade NAT
    "100.64.0.1", "100.127.255.254",
    # multicast, reserved, broadcast
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "240.0.0.1", "255.255.255.255", "5f00::1", "100::1",
    # IETF protocol assignments, documentation and benchmarking
    "192.0.0.8", "192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1", "198.19.255.255", "2001:db8::1",
    "3fff::1", "2001:2::1",
    # IPv4 written as IPv6: mapped, compatible, 6to4, NAT64, Teredo
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::7f00:1",
    "::8.8.8.8", "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::1", "64:ff9b::a00:1", "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe", "64:ff9b:1::808:808", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
]  # fmt: skip

PUBLIC = [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2001:4860:4860::8888", "2606:4700:4700::1111",
    # IPv4 written as IPv6, with a public IPv4 host inside
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
]  # fmt: skip


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_addresses_off_the_public_internet_are_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_unicast_addresses_are_public(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("address", "ipv4"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45"),
        ("2001:4860:4860::8888", None),
    ],
)
def test_the_ipv4_host_inside_an_ipv6_address_is_found(address, ipv4):
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert (str(found) if found else None) == ipv4


# The allow-list --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "host", "port", "is_allowed"),
    [
        (["feeds.example"], "feeds.example", 8080, True),
        (["feeds.example"], "feeds.example", 443, True),
        (["feeds.example:8080"], "feeds.example", 8080, True),
        (["feeds.example:8080"], "feeds.example", 8081, False),
        (["FEEDS.Example."], "feeds.example", 80, True),
        (["feeds.example"], "feeds.example.", 80, True),
        (["feeds.example"], "other.example", 80, False),
        (["feeds.example"], "sub.feeds.example", 80, False),
        (["bücher.example"], "xn--bcher-kva.example", 80, True),
        (["127.0.0.1"], "127.0.0.1", 8000, True),
        (["127.0.0.1:8000"], "127.0.0.1", 8000, True),
        (["127.0.0.1:8000"], "127.0.0.1", 8001, False),
        (["127.0.0.1"], "127.1", 8000, False),
        (["127.0.0.1"], "2130706433", 8000, False),
        (["127.0.0.1"], "localhost", 8000, False),
        (["localhost"], "127.0.0.1", 8000, False),
        (["::1"], "::1", 8000, True),
        (["[::1]"], "::1", 8000, True),
        (["[::1]:8000"], "::1", 8000, True),
        (["[::1]:8000"], "::1", 8001, False),
        (["[0:0::1]:8000"], "::1", 8000, True),
        ([], "127.0.0.1", 8000, False),
        (["", "  "], "127.0.0.1", 8000, False),
        (["feeds.example:http"], "feeds.example", 80, False),
        (["feeds.example:99999"], "feeds.example", 99999, False),
        (["evil.example@127.0.0.1"], "127.0.0.1", 80, False),
        (["[::1]x"], "::1", 80, False),
        (["other.example", "feeds.example:8080"], "feeds.example", 8080, True),
    ],
)
def test_the_allow_list_names_hosts_with_or_without_a_port(allow, host, port, is_allowed):
    assert is_allowed_private(host, port, allow) is is_allowed


def test_one_private_address_refuses_a_host_that_also_has_public_ones():
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("127.0.0.1")]
    assert refused_address("feeds.example", 80, addresses, allow=[]) == ipaddress.ip_address("127.0.0.1")


def test_public_addresses_are_not_refused():
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("2606:4700:4700::1111")]
    assert refused_address("feeds.example", 80, addresses, allow=[]) is None


def test_a_host_on_the_allow_list_may_use_private_addresses():
    addresses = [ipaddress.ip_address("10.0.0.5")]
    assert refused_address("intranet.example", 8080, addresses, allow=["intranet.example:8080"]) is None
    assert refused_address("intranet.example", 8081, addresses, allow=["intranet.example:8080"]) == addresses[0]
