// What the lab benchmarks share: calling the core's contract in-process, and registering a lab
// router the way a user would (site, router by root key, host key pinned from the lab file,
// detection).
import type { Core } from '../src/main/core/app-core.ts';
import type { LabRouter } from '../test/lab/lab.ts';

export type ContractCall = <T>(method: string, params: unknown) => Promise<T>;

/** The contract through the core's own dispatcher; an error answer throws with its message. */
export function contractCaller(core: Core): ContractCall {
  return async <T>(method: string, params: unknown): Promise<T> => {
    const envelope = await core.dispatcher.dispatch(method, params);
    if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
    return envelope.result as T;
  };
}

/** A site "Bench" with the lab router in it, trusted and detected; returns the router's id. */
export async function addLabRouter(core: Core, call: ContractCall, router: LabRouter): Promise<string> {
  const site = await call<{ id: string }>('sites.create', { name: 'Bench' });
  const { id } = await call<{ id: string }>('routers.create', { siteId: site.id, name: 'r01', host: router.ssh.host, port: router.ssh.port, username: 'root', auth: { kind: 'key', keyPath: router.ssh.rootKeyPath } });
  core.routers.pinHostKey(id, router.ssh.hostKeyType, router.ssh.hostKeyFingerprint);
  await call('routers.detect', { id });
  return id;
}
