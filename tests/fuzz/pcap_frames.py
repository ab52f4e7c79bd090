#!/usr/bin/env python3
"""Cut the frames out of capture files into one file each, named by content,
as seeds for tests/fuzz/fuzz_frame.c: the fuzzer starts from real answers to
our own probes (fixtures were recorded with --seed 1, as the harness plans).

Usage: pcap_frames.py OUTDIR FILE.pcap|FILE.pcapng...

Reads classic pcap (either byte order, micro- or nanosecond) and pcapng
(enhanced and simple packet blocks), with the standard library only. Also
writes a few frames the lab never produced but the decoder must handle: each
ARP and IPv6 frame with an 802.1Q tag, and an ICMP port unreachable quoting each of our
TCP SYNs (the engine ties it to the probe through the quote).
"""
import hashlib
import os
import struct
import sys

OUR_MAC = bytes.fromhex("020000000050")


def pcap_frames(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return None
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        out.append((linktype, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def pcapng_frames(data):
    if data[:4] != b"\x0a\x0d\x0d\x0a":
        return None
    end = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off, links, out = 0, [], []
    while off + 12 <= len(data):
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        if blen < 12:
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # interface description
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6:  # enhanced packet
            ifid, _, _, caplen = struct.unpack(end + "IIII", body[:16])
            out.append((links[ifid] if ifid < len(links) else 1, body[20:20 + caplen]))
        elif btype == 3:  # simple packet
            out.append((links[0] if links else 1, body[4:]))
        off += blen
    return out


def vlan_tagged(frame):
    return frame[:12] + b"\x81\x00\x00\x64" + frame[12:]


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def unreachable_for(syn):
    """An ICMP port unreachable from the SYN's target, quoting the SYN."""
    ip = syn[14:]
    ihl = (ip[0] & 15) * 4
    quote = ip[:ihl + 8]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quote
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    total = 20 + len(icmp)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, 1, 0, ip[16:20], ip[12:16])
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return OUR_MAC + syn[0:6] + b"\x08\x00" + hdr + icmp


def main():
    outdir, files = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    seen = set()

    def write(frame):
        name = hashlib.sha1(frame).hexdigest()
        if name not in seen:
            seen.add(name)
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(frame)

    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        frames = pcap_frames(data)
        if frames is None:
            frames = pcapng_frames(data) or []
        for linktype, frame in frames:
            write(frame)
            if linktype != 1 or len(frame) < 34:
                continue
            ethertype = frame[12:14]
            if ethertype in (b"\x08\x06", b"\x86\xdd"):
                write(vlan_tagged(frame))
            elif (ethertype == b"\x08\x00" and frame[6:12] == OUR_MAC and frame[23] == 6
                  and len(frame) >= 14 + (frame[14] & 15) * 4 + 14
                  and frame[14 + (frame[14] & 15) * 4 + 13] & 0x12 == 0x02):
                write(unreachable_for(frame))
    print("%s: %d frames" % (outdir, len(seen)))


if __name__ == "__main__":
    main()
