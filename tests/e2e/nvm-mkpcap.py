#!/usr/bin/env python3
# tests/e2e/nvm-mkpcap.py: writes a small pcap of known IPv4/IPv6 flows. Runs in: e2e tests.
# Usage: nvm-mkpcap.py OUT.pcap OUT.json
# Each flow is a few packets one way (UDP, or TCP with SYN ... FIN). OUT.json lists per
# flow: family, proto, src, dst, sport, dport, packets, and bytes counted at the IP layer
# (what an exporter's octetDeltaCount reports).
import ipaddress
import json
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def l4(proto, sport, dport, payload, flags, seq):
    if proto == 17:
        return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    return struct.pack('!HHIIBBHHH', sport, dport, seq, 0, 5 << 4, flags, 65535, 0,
                       0) + payload


def ip4(src, dst, proto, body, ident):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(body), ident, 0x4000, 64, proto,
                      0, src.packed, dst.packed)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + body


def ip6(src, dst, proto, body):
    return struct.pack('!IHBB16s16s', 6 << 28, len(body), proto, 64, src.packed,
                       dst.packed) + body


FLOWS = [
    # family, proto, src, dst, sport, dport, payload sizes
    (4, 6, '10.20.0.5', '198.51.100.7', 40001, 443, [0, 100, 1200, 300, 0]),
    (4, 17, '10.20.0.6', '192.0.2.53', 53001, 53, [40, 60]),
    (4, 17, '10.20.0.7', '203.0.113.9', 5060, 5060, [500, 500, 500]),
    (6, 6, '2001:db8:1::5', '2001:db8:2::80', 40002, 80, [0, 512, 0]),
    (6, 17, '2001:db8:1::6', '2001:db8:2::35', 53002, 53, [33]),
]


def main():
    out_pcap, out_json = sys.argv[1], sys.argv[2]
    pkts, expect = [], []
    t = 1700000000
    for n, (fam, proto, s, d, sp, dp, sizes) in enumerate(FLOWS):
        src, dst = ipaddress.ip_address(s), ipaddress.ip_address(d)
        total = 0
        for k, size in enumerate(sizes):
            flags = 0x02 if k == 0 else (0x11 if k == len(sizes) - 1 else 0x18)
            body = l4(proto, sp, dp, bytes([65 + n]) * size, flags, 1000 + k)
            pkt = ip4(src, dst, proto, body, n * 100 + k) if fam == 4 else \
                ip6(src, dst, proto, body)
            total += len(pkt)
            eth = b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + \
                struct.pack('!H', 0x0800 if fam == 4 else 0x86dd)
            pkts.append((t, n * 1000 + k * 10, eth + pkt))
        expect.append(dict(family=fam, proto=proto, src=s, dst=dst.compressed, sport=sp,
                           dport=dp, packets=len(sizes), bytes=total))
    pkts.sort(key=lambda p: (p[0], p[1]))
    with open(out_pcap, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, data in pkts:
            f.write(struct.pack('<IIII', sec, usec, len(data), len(data)) + data)
    with open(out_json, 'w') as f:
        json.dump(expect, f, indent=1)


main()
