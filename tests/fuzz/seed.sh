#!/usr/bin/env bash
# Seed corpora for the libFuzzer harnesses, from fixtures/: one directory per
# harness under build/fuzz/corpus/ (or $1). Idempotent: seeds are named by what
# they are, so re-seeding overwrites them and keeps what the fuzzer added.
#   fuzz_frame   every frame of fixtures/pcap (Ethernet and Linux cooked), plus
#                VLAN-tagged ARP and ICMP errors quoting our SYNs (pcap_frames.py)
#   fuzz_config  fixtures/config/*.ini, the lab's configuration, and a few
#                shapes the fixtures lack (continued lists, many services)
#   fuzz_cli     command lines, one argument per line (as fuzz_cli.c splits them)
#   fuzz_pcap    the pcap and pcapng fixtures themselves
#   fuzz_parse   one value each of the kinds src/parse.c reads
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=${1:-build/fuzz/corpus}
mkdir -p "$out"/fuzz_frame "$out"/fuzz_config "$out"/fuzz_cli "$out"/fuzz_pcap "$out"/fuzz_parse

python3 tests/fuzz/pcap_frames.py "$out/fuzz_frame" fixtures/pcap/*.pcap fixtures/pcap/*.pcapng

for f in fixtures/pcap/*.pcap fixtures/pcap/*.pcapng; do
	cp "$f" "$out/fuzz_pcap/seed-${f##*/}"
done

for f in fixtures/config/*.ini; do
	cp "$f" "$out/fuzz_config/seed-${f##*/}"
done
cp fixtures/lab/dsrcheck-lab.ini "$out/fuzz_config/seed-lab.ini"
cfg() { printf '%b' "$2" >"$out/fuzz_config/seed-$1.ini"; }
cfg continued '[service web]\nvip = 198.18.0.100\nports = 80,\n  443, 8080\nservers = a,\n  b\n[server a]\naddress = 198.18.0.11\n[server b]\naddress = 198.18.0.12\nmac = 02-00-00-00-00-12\n'
cfg two-services '[global]\ninterface = eth0\ntimeout = 1.5s\nretries = 10\nlisten = 2s\nrate = 100000\n[service web]\nvip = 198.18.0.100\nports = 80\nbalancer-mac = 02:00:00:00:00:02, 02:00:00:00:00:03\nservers = rs1, rs2\n[service mail]\nvip = 198.18.0.101\nports = 25\nbalancer = 198.18.0.2\nservers = rs2\n[server rs1]\naddress = 198.18.0.11\nmac = 02:00:00:00:00:11\n[server rs2]\naddress = 198.18.0.12\n'
cfg off-segment '[service far]\nvip = 203.0.113.10\nports = 443\nservers = far1\n[server far1]\naddress = 203.0.113.11 ; comment\n'
cfg bad-dup '[service web]\nvip = 198.18.0.11\nports = 80, 80\nservers = rs1, rs1\n[server rs1]\naddress = 198.18.0.11\n[server rs1]\n'

# One argument per line. Paths under fixtures/ are the only ones fuzz_cli reads.
cli() { printf '%s\n' "${@:2}" >"$out/fuzz_cli/seed-$1"; }
cli config -c fixtures/lab/dsrcheck-lab.ini --seed 1
cli config-json -c fixtures/lab/dsrcheck-lab.ini -f json --report junit:out.xml -v
cli deployment --vip 198.18.0.100 --port 80,443 --server rs1=198.18.0.11@02:00:00:00:00:11 \
	--server 198.18.0.12 --balancer 198.18.0.2 --balancer-mac 02:00:00:00:00:02
cli overrides -c fixtures/config/good.ini -i eth1 --timeout 1.5s --retries 3 --listen 2s \
	--rate 1000 -t 10s --pcap ev.pcap -q --no-color
cli nagios --nagios -c fixtures/lab/dsrcheck-lab.ini --only-server rs2
cli nagios-bad -f nagios --vip 198.18.0.100 --port 80
cli analyze analyze fixtures/pcap/healthy-client.pcap -c fixtures/lab/dsrcheck-lab.ini -f json
cli analyze-any analyze fixtures/pcap/garp-client-any.pcap --report prometheus:out.prom
cli analyze-ng analyze fixtures/pcap/vip-squatter-client.pcapng -f text -v
cli watch watch -c fixtures/lab/dsrcheck-lab.ini --interval 5m --syslog
cli long --config=fixtures/lab/dsrcheck-lab.ini --format=junit --time-limit=5s -vv
cli help -h
cli version -V
cli bad-option --frobnicate
cli bad-both -c fixtures/lab/dsrcheck-lab.ini --vip 198.18.0.100
printf 'analyze\0fixtures/pcap/arp-leak-client.pcap\0--vip\0198.18.0.100\0--port\08080\0--server\0rs2=198.18.0.12\0' \
	>"$out/fuzz_cli/seed-nul-separated"

i=0
for v in 198.18.0.100 0.0.0.0 255.255.255.255 02:00:00:00:00:11 0A-0b-0C-0d-0E-0f 1000ms 1.5s 2s 5m \
	10min 1h 250 0 65535 4294967295; do
	printf '%s' "$v" >"$out/fuzz_parse/seed-$i"
	i=$((i + 1))
done

echo "seeded: $(for d in "$out"/*/; do printf '%s=%s ' "$(basename "$d")" "$(find "$d" -type f | wc -l)"; done)"
