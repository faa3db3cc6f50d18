// The gateway check after the probe: who is asked, how the answers are read. The lab test
// (test/integration/router-connection.test.ts) runs it against real routers.
import { describe, expect, it } from 'vitest';
import type { UplinkCandidate } from '../../../shared/detect-schemas.ts';
import { applyGatewayAnswers, gatewayAnswerCommand } from './run-detection.ts';

const uplink = (over: Partial<UplinkCandidate>): UplinkCandidate => ({ name: 'wlan0', device: 'wlan0', kind: 'repeater', kindReason: 'x', up: true, hasDefaultRoute: false, source: 'ip', ...over });

describe('asking suggested gateways', () => {
  it('asks only up uplinks with a suggestion and no gateway, passing names and addresses as quoted arguments', () => {
    const cmd = gatewayAnswerCommand([
      uplink({ name: 'eth1', device: 'eth1', gateway: '100.64.1.1' }),
      uplink({ suggestedGateway: '100.65.1.1' }),
      uplink({ name: 'usb0', device: 'usb0', suggestedGateway: '100.66.1.1', up: false }),
    ]);
    expect(cmd?.text).toMatch(/ sh wlan0 100\.65\.1\.1$/);
    expect(gatewayAnswerCommand([uplink({ gateway: '100.65.1.1' })])).toBeNull();
  });

  it('a suggestion that answered becomes the gateway; one that did not stays a suggestion', () => {
    const out = applyGatewayAnswers(
      [uplink({ suggestedGateway: '100.65.1.1' }), uplink({ name: 'usb0', device: 'usb0', suggestedGateway: '100.66.1.1' })],
      'answered wlan0 100.65.1.1\n',
    );
    expect(out.map((u) => [u.name, u.gateway, u.gatewaySource, u.suggestedGateway])).toEqual([
      ['wlan0', '100.65.1.1', 'answered', undefined],
      ['usb0', undefined, undefined, '100.66.1.1'],
    ]);
  });
});
