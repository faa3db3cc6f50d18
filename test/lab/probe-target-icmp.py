#!/usr/bin/python3
# The ICMP side of the lab's probe targets: answers echo requests for the target addresses from
# user space (the internet namespace sets icmp_echo_ignore_all) so each reply can be delayed by
# the latency set for its source. Exists because this kernel has no sch_netem; Node has no raw
# sockets, Python does. Usage: probe-target-icmp.py DELAY_TABLE_FILE ACK_FILE TARGET...
import heapq
import json
import os
import select
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def main() -> None:
    table_path, ack_path = sys.argv[1], sys.argv[2]
    targets = {socket.inet_aton(a) for a in sys.argv[3:]}
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    sock.setblocking(False)

    delays: dict = {}
    table_mtime = -1.0
    next_poll = 0.0
    pending: list = []  # heap of (due, seq, packet, destination)
    seq = 0
    print("probe-target-icmp answering for", " ".join(sys.argv[3:]), flush=True)

    while True:
        now = time.monotonic()
        if now >= next_poll:
            next_poll = now + 0.01
            try:
                mtime = os.stat(table_path).st_mtime
                if mtime != table_mtime:
                    with open(table_path) as f:
                        table = json.load(f)
                    delays = table["delayMsBySource"]
                    table_mtime = mtime
                    with open(ack_path, "w") as f:
                        f.write(str(table["generation"]))
            except (OSError, ValueError, KeyError):
                pass  # keep the previous table until the file is whole again
        while pending and pending[0][0] <= now:
            _, _, packet, dest = heapq.heappop(pending)
            try:
                sock.sendto(packet, (dest, 0))
            except OSError:
                pass
        timeout = next_poll - now
        if pending:
            timeout = min(timeout, pending[0][0] - now)
        readable, _, _ = select.select([sock], [], [], max(timeout, 0))
        if not readable:
            continue
        while True:
            try:
                data = sock.recv(65535)
            except BlockingIOError:
                break
            ihl = (data[0] & 0x0F) * 4
            if len(data) < ihl + 8 or data[ihl] != 8:
                continue  # only echo requests
            src, dst = data[12:16], data[16:20]
            if dst not in targets:
                continue
            icmp = bytearray(data[ihl:])
            icmp[0] = 0  # echo reply
            icmp[2:4] = b"\0\0"
            icmp[2:4] = struct.pack("!H", checksum(bytes(icmp)))
            # IP header: the kernel fills total length, id and header checksum.
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 64, socket.IPPROTO_ICMP, 0, dst, src)
            dest = socket.inet_ntoa(src)
            delay_ms = delays.get(dest, 0)
            seq += 1
            heapq.heappush(pending, (time.monotonic() + delay_ms / 1000.0, seq, header + bytes(icmp), dest))


if __name__ == "__main__":
    main()
