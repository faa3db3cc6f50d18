// Lab helpers shared by the monitor's lab tests and the monitor benchmark: log in to a lab router
// with its root key and pinned host key, give each uplink the policy route a failover engine
// would (so a probe bound to wlan0 really leaves through wlan0), and list its probe processes.
import { readFileSync } from 'node:fs';
import { labExec, type LabInfo, type LabRouter } from '../../../../test/lab/lab.ts';
import { MemoryHostKeyTrust } from '../transport/ssh/host-key.ts';
import { connectSsh, type SshConnection } from '../transport/ssh/ssh-connection.ts';
import type { MonitorUplink, SnmpTarget } from './monitor-types.ts';

export function connectLabRouter(r: LabRouter): Promise<SshConnection> {
  const trust = new MemoryHostKeyTrust();
  trust.pin(r.ssh.host, r.ssh.port, r.ssh.hostKeyType, r.ssh.hostKeyFingerprint);
  return connectSsh({
    host: r.ssh.host,
    port: r.ssh.port,
    username: 'root',
    auth: { kind: 'key', privateKey: readFileSync(r.ssh.rootKeyPath) },
    hostKeyTrust: trust,
    reconnect: { baseDelayMs: 200, maxDelayMs: 2000, maxAttempts: 20 },
  });
}

/** Uplink k probes target k (mod the lab's targets), so uplinks are told apart at the targets too. */
export function labUplinks(info: LabInfo, r: LabRouter, method: 'ping' | 'httping' = 'ping'): MonitorUplink[] {
  return r.wans.map((w, k) => ({
    name: w.name,
    device: w.name,
    kind: w.kind,
    targets: [info.probeTargets.icmp[k % info.probeTargets.icmp.length]!],
    method,
    gateway: w.gateway,
    address: w.routerAddress,
  }));
}

/** One routing table per uplink, chosen by outgoing device and by source address. Idempotent. */
export async function routeLabUplinks(labName: string, r: LabRouter): Promise<void> {
  const lines = r.wans.flatMap((w, k) => {
    const table = String(101 + k);
    return [
      `ip route replace default via ${w.gateway} dev ${w.name} table ${table}`,
      `ip rule del oif ${w.name} table ${table} 2>/dev/null; ip rule add oif ${w.name} table ${table}`,
      `ip rule del from ${w.routerAddress} table ${table} 2>/dev/null; ip rule add from ${w.routerAddress} table ${table}`,
    ];
  });
  await labExec(labName, r.name, ['sh', '-c', lines.join('\n')]);
}

export function labSnmp(r: LabRouter, version: '2c' | '3', community?: string): SnmpTarget {
  return version === '2c'
    ? { host: r.snmp.host, port: r.snmp.port, credentials: { version: '2c', community: community ?? r.snmp.community } }
    : {
        host: r.snmp.host,
        port: r.snmp.port,
        credentials: { version: '3', user: r.snmp.v3.user, authProtocol: 'sha256', authKey: r.snmp.v3.authKey, privProtocol: 'aes', privKey: r.snmp.v3.privKey },
      };
}

/** Command lines of the probe processes (ping, httping, the /proc/net/dev loop) on the router. */
export async function probeProcesses(labName: string, r: LabRouter): Promise<string[]> {
  const { stdout } = await labExec(labName, r.name, ['ps', '-eo', 'pid,args']);
  return stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => /\b(ping|httping)\b|net-dev-end|sleep 1$/.test(l) && !/\bps -eo\b/.test(l));
}
