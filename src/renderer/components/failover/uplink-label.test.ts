// The words and colours an uplink's state and gateway read with (issue 12 items 2 and 4).
import { describe, expect, it } from 'vitest';
import { gatewayText, stateColor } from './uplink-label.ts';

describe('uplink state colours', () => {
  it('an offline uplink is red; grey is only for a state not known or an uplink turned off', () => {
    expect(stateColor('offline')).toBe('red');
    expect(stateColor('unknown')).toBe('gray');
    expect(stateColor('disabled')).toBe('gray');
    expect(stateColor('online')).toBe('green');
  });
});

describe('gateway words', () => {
  it('says where the gateway came from, or the likely one to confirm, never "learned from the link"', () => {
    expect(gatewayText('192.0.2.1', undefined)).toBe('gateway 192.0.2.1');
    expect(gatewayText(undefined, { gateway: '100.65.1.1' })).toBe('gateway 100.65.1.1 (found on the router)');
    expect(gatewayText(undefined, { suggestedGateway: '100.66.1.1' })).toBe('gateway not found: probably 100.66.1.1, confirm it in the settings (gear)');
    expect(gatewayText(undefined, {})).toBe('gateway not found on the router');
  });
});
