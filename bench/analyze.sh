#!/usr/bin/env bash
# bench/analyze.sh [FRAMES]: how fast `dsrcheck analyze` reads a large capture,
# against `tcpdump -r` on the same file (tcpdump only decodes and prints, to
# /dev/null; dsrcheck decodes and tracks every address, claim and VIP flow).
# The capture is the lab's recorded fixtures (fixtures/pcap/*.pcap, which hold a
# claim, a conflict, refused and direct connections) repeated with advancing
# timestamps up to FRAMES frames (default 2,000,000). Needs no privilege.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
frames=${1:-2000000}
bin=$here/dsrcheck
[[ -x $bin ]] || { echo "build dsrcheck first (make)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT

python3 - "$frames" "$work/big.pcap" "$here"/fixtures/pcap/*.pcap <<'PY'
import struct, sys
total, out, inputs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
frames = []
for path in inputs:
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        continue  # only little-endian classic pcap, which tcpdump -w writes here
    off = 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    chunk = []
    for i in range(total):
        b = frames[i % len(frames)]
        chunk.append(struct.pack("<IIII", 1700000000 + i // 100000, (i % 100000) * 10, len(b), len(b)) + b)
        if len(chunk) == 65536:
            f.write(b"".join(chunk)); chunk = []
    f.write(b"".join(chunk))
PY
size=$(du -h "$work/big.pcap" | cut -f1)
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
tcpdump_ms=$(t tcpdump -n -r "$work/big.pcap")
analyze_ms=$(t "$bin" analyze "$work/big.pcap" -c "$here/fixtures/lab/dsrcheck-lab.ini" -f json)
rss=$( { /usr/bin/time -f "%M" "$bin" analyze "$work/big.pcap" -c "$here/fixtures/lab/dsrcheck-lab.ini" -f json >/dev/null || true; } 2>&1 | tail -1)
printf 'frames %s (%s): tcpdump -r %s ms, dsrcheck analyze %s ms (%s frames/s), peak RSS %s KiB\n' \
	"$frames" "$size" "$tcpdump_ms" "$analyze_ms" "$((frames * 1000 / (analyze_ms > 0 ? analyze_ms : 1)))" "$rss"
