// The desktop notification's words for a failover, from the events the engines really write
// (messages as agent-events.ts and kmwan-events.ts produce them).
import { describe, expect, it } from 'vitest';
import { failoverNotification } from './failover-notification.ts';

describe('the failover notification', () => {
  it('names the router and where the traffic went, without repeating the engine', () => {
    const notice = failoverNotification('Demo shop router', { routerId: 'r1', kind: 'switch', from: 'eth1', to: 'wlan0', message: 'Traffic moved from eth1 to wlan0: eth1 failed its checks' });
    expect(notice).toEqual({ title: 'Demo shop router: traffic moved to wlan0', body: 'Traffic moved from eth1 to wlan0: eth1 failed its checks', tag: 'switchyard-failover-r1' });
  });

  it('says the move when the engine only says why', () => {
    const notice = failoverNotification('Till', { routerId: 'r2', kind: 'switch', from: 'wan', to: 'wwan', message: 'wan is down (ping 8.8.8.8 lost).' });
    expect(notice.body).toBe('Traffic moved from wan to wwan. wan is down (ping 8.8.8.8 lost).');
  });

  it('stays readable with no name, no destination and a very long message', () => {
    const notice = failoverNotification('  ', { routerId: 'r3', kind: 'switch', message: 'x'.repeat(1000) });
    expect(notice.title).toBe('A router: failover');
    expect(notice.body).toHaveLength(240);
    expect(notice.body.endsWith('…')).toBe(true);
  });
});
