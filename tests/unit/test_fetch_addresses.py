"""The fetcher's address check: an IPv6 address that carries an IPv4 one is judged by the
IPv4 address it reaches, and multicast is never fetched."""

from __future__ import annotations

import ipaddress

import pytest

from bot.errors import RefusedURL
from bot.extraction.fetch import SafeFetcher


def fetcher_resolving_to(address: str, allowlist: tuple[str, ...] = ()) -> SafeFetcher:
    return SafeFetcher(allowlist=allowlist, resolver=lambda host, port: [address])


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata address
        "64:ff9b:1::a00:1",  # local-use NAT64 prefix
        "2002:0a00:0001::",  # 6to4 of 10.0.0.1
        "2002:c0a8:0101::1",  # 6to4 of 192.168.1.1
        "::10.0.0.1",  # IPv4-compatible
        "::127.0.0.1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "ff02::1",  # IPv6 multicast
        "ff0e::1",  # global-scope multicast is still multicast
        "224.0.0.1",  # IPv4 multicast
        "239.255.255.250",
        "10.0.0.1",
        "::1",
    ],
)
def test_addresses_that_reach_a_private_or_multicast_one_are_refused(address):
    f = fetcher_resolving_to(address)
    with pytest.raises(RefusedURL, match="private or local address"):
        f.check("http://news.example/a")
    f.close()


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::808:808", "2002:0808:0808::1", "::ffff:8.8.8.8", "8.8.8.8", "2606:4700::1111"],
)
def test_addresses_that_reach_a_public_one_are_fetched(address):
    f = fetcher_resolving_to(address)
    checked = ("news.example", str(ipaddress.ip_address(address)), 80)
    assert f.check("http://news.example/a") == checked
    f.close()


def test_one_private_answer_among_public_ones_refuses_the_name():
    f = SafeFetcher(resolver=lambda host, port: ["8.8.8.8", "64:ff9b::a00:1"])
    with pytest.raises(RefusedURL, match=r"\(64:ff9b::a00:1\)"):
        f.check("http://news.example/a")
    f.close()


def test_the_allowlist_still_lets_a_listed_private_address_through():
    f = fetcher_resolving_to("127.0.0.1", allowlist=("127.0.0.1",))
    assert f.check("http://localhost:8080/a")[1:] == ("127.0.0.1", 8080)
    f.close()
