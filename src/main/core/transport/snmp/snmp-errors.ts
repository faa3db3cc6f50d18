// Typed SNMP failures with messages a technician can act on; net-snmp's own errors are mapped here
// and nowhere else, so callers branch on class or `code`, never on message text.
import { SwitchyardError } from '../../../../shared/errors.ts';

export class SnmpError extends SwitchyardError {}

/**
 * No answer in time. In v2c a wrong community looks exactly like this (the agent stays silent),
 * and in v3 so does a wrong privacy key (the agent cannot decrypt the request): both recorded.
 */
export class SnmpTimeoutError extends SnmpError {
  constructor(target: string, version: '2c' | '3', waitedMs: number) {
    const hint = version === '2c' ? 'check community, address, port' : 'check address, port and the SNMPv3 privacy key';
    super('timeout', `no answer from the SNMP agent at ${target} within ${(waitedMs / 1000).toFixed(1)} s: ${hint}`, { target, version, waitedMs });
  }
}

/** SNMPv3 said no: wrong authentication key (Wrong Digest) or an unknown user name. */
export class SnmpAuthError extends SnmpError {
  constructor(target: string, user: string, agentSaid: string) {
    super('auth-failed', `SNMPv3 login as ${user} at ${target} failed: ${agentSaid}. Check the user name and the authentication key`, {
      target,
      user,
      agentSaid,
    });
  }
}

/** The agent answered but not with what we need (an error status, no sysUpTime, a malformed value). */
export class SnmpResponseError extends SnmpError {
  constructor(target: string, detail: string) {
    super('command-failed', `the SNMP agent at ${target} gave an unusable answer: ${detail}`, { target, detail });
  }
}
