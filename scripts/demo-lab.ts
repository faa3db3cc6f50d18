// Whether the lab the last `npm run demo` left up can serve this one as it is: building it costs
// 10–20 s on a busy machine, checking it well under one. Reused only when it is exactly the
// demo's layout (one router, four uplinks), every daemon runs, every uplink is up and nothing is
// impaired; anything else is rebuilt, and the reason is said.
import { labStatus, readLabInfo, type LabInfo } from '../test/lab/lab.ts';

export const demoWans = ['eth1', 'wlan0', 'usb0', 'wwan0'] as const;

export type DemoLabCheck = { readonly reusable: true; readonly info: LabInfo } | { readonly reusable: false; readonly reason: string };

export async function checkDemoLab(labName: string): Promise<DemoLabCheck> {
  const status = await labStatus(labName);
  if (!status.up) return { reusable: false, reason: status.leftovers.length ? 'traces of an earlier lab were left behind' : 'no lab is up' };
  const no = (reason: string): DemoLabCheck => ({ reusable: false, reason });
  if (!status.responders.http || !status.responders.icmp) return no("the lab's internet responders are not running");
  const [router, ...more] = status.routers;
  if (!router || more.length > 0) return no(`the lab has ${status.routers.length} routers, the demo needs one`);
  if (!router.sshd || !router.snmpd) return no(`${router.name}'s ${router.sshd ? 'snmpd' : 'sshd'} is not running`);
  const names = router.wans.map((w) => w.name);
  if (names.join(',') !== demoWans.join(',')) return no(`its uplinks are ${names.join(', ')}, the demo's are ${demoWans.join(', ')}`);
  const down = router.wans.filter((w) => w.operState !== 'UP' && w.operState !== 'UNKNOWN');
  if (down.length) return no(`${down.map((w) => `${w.name} is ${w.operState.toLowerCase()}`).join(', ')}`);
  const impaired = router.wans.filter((w) => w.impairment.lossPct !== 0 || w.impairment.latencyMs !== 0 || w.impairment.blackhole || w.impairment.down);
  if (impaired.length) return no(`${impaired.map((w) => w.name).join(', ')} ${impaired.length === 1 ? 'is' : 'are'} impaired`);
  return { reusable: true, info: await readLabInfo(labName) };
}
