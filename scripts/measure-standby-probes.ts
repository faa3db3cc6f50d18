// Echo requests the lab router sends out of its cellular backup (wwan0) in 30 s while the Cellular
// saver preset lets it stand by, counted by nft: Switchyard's monitor respecting the standby
// ('when-needed', the default) against probing it every second ('always', what the monitor did
// before). `node scripts/measure-standby-probes.ts [RUNS]` (root; a lab of its own, "sbm").
import { addLabRouter, contractCaller, openLabCore, waitProbedVia } from '../test/helpers/lab-router.ts';
import { labDown, labExec, labUp } from '../test/lab/lab.ts';
import { presetDrillPolicy, until } from '../test/lab/preset-drill.ts';
const lab = 'sbm';
const runs = Number(process.argv[2] ?? 3);
await labDown(lab).catch(() => undefined);
const info = await labUp({ name: lab, routers: 1, wans: 4 });
const lc = await openLabCore('sy-meas-');
const { call } = contractCaller(lc.core);
const routerId = await addLabRouter(lc.core, info.routers[0]!, { siteName: 'Meas' });
const { policy } = presetDrillPolicy(info, 'cellular-saver');
await call('failover.apply', { routerId, policy, revertInSec: 60 });
await call('failover.confirm', { routerId });
await waitProbedVia(call, routerId, 'eth1');
await labExec(lab, 'r01', ['sh', '-c', "nft delete table inet sy_meas 2>/dev/null; nft add table inet sy_meas && nft 'add chain inet sy_meas o { type filter hook output priority 0; }' && nft add rule inet sy_meas o oifname wwan0 icmp type echo-request counter"]);
const echoes = async () => Number(/packets (\d+)/.exec((await labExec(lab, 'r01', ['nft', 'list', 'table', 'inet', 'sy_meas'])).stdout)?.[1]);
await until(async () => (JSON.parse((await labExec(lab, 'r01', ['switchyard-agent', 'status', '0'])).stdout).state?.uplinks.find((u: { name?: string; wan?: string; probing?: boolean; state?: string }) => u.name === 'wwan0')?.probing === false ? true : undefined), 60000);
await call('monitor.start', { routerId });
const out: Record<string, number[]> = { 'when-needed': [], always: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['when-needed', 'always'] as const) {
    await call('monitor.probeStandby', { routerId, wan: 'wwan0', probe: mode });
    await until(async () => ((await call<{ uplinks: Array<{ wan: string; state: string }> }>('monitor.status', { routerId })).uplinks.find((u: { name?: string; wan?: string; probing?: boolean; state?: string }) => u.wan === 'wwan0')?.state === (mode === 'always' ? 'running' : 'standby') ? true : undefined), 60000);
    await new Promise((r) => setTimeout(r, 3000));
    const a = await echoes();
    await new Promise((r) => setTimeout(r, 30000));
    out[mode]!.push((await echoes()) - a);
    console.error(mode, out[mode]);
  }
}
console.log(JSON.stringify(out));
await call('monitor.stop', { routerId });
await labExec(lab, 'r01', ['nft', 'delete', 'table', 'inet', 'sy_meas']);
await lc.close();
await labDown(lab);
