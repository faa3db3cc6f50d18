// The next step for each contract error code, so every failure ends in something to do. The
// wording of the failure itself is the core's message; only the code is branched on.
import type { ErrorCode } from '../../../shared/errors.ts';

export type NextAction = 'retry' | 'overview' | 'reload' | 'none';

/** `load`: reading the tab failed; `apply`: planning, applying, confirming or reverting did. */
export function errorAdvice(code: ErrorCode, context: 'load' | 'apply' = 'apply'): { nextStep: string; action: NextAction } {
  switch (code) {
    case 'conflict':
      if (context === 'apply') return { nextStep: 'The router’s settings changed since Switchyard read them. Reload them, check your changes, and apply again.', action: 'reload' };
      return { nextStep: 'Switchyard needs to look at this router again before it can change its failover.', action: 'overview' };
    case 'unsupported':
      return { nextStep: 'Until then, set failover up with the router’s own tools; Switchyard keeps showing its uplinks on the other tabs.', action: 'none' };
    case 'auth-failed':
      return { nextStep: 'Check the router’s user and password on the Overview tab.', action: 'overview' };
    case 'host-key-unknown':
    case 'host-key-mismatch':
    case 'host-key-revoked':
      return { nextStep: 'Check and trust the router’s host key on the Overview tab first.', action: 'overview' };
    case 'timeout':
    case 'connection-lost':
    case 'connection-refused':
    case 'host-unreachable':
      return { nextStep: 'Check that this computer can reach the router (cable, Wi-Fi, VPN), then try again.', action: 'retry' };
    case 'invalid-input':
      return { nextStep: 'Nothing was changed on the router. Fix the settings named above and try again.', action: 'none' };
    case 'command-failed':
    case 'output-too-large':
      return { nextStep: 'The router refused a command. Try again; if it keeps failing, the Troubleshoot tab shows what the router reported.', action: 'retry' };
    case 'secret-store-locked':
      return { nextStep: 'Unlock Switchyard’s saved passwords, then try again.', action: 'retry' };
    case 'not-found':
      return { nextStep: 'This router is no longer in the inventory.', action: 'none' };
    case 'bad-request':
    case 'unknown-method':
    case 'unauthorized':
    case 'not-ssh':
    case 'internal':
      return { nextStep: 'Try again. If it happens again, restart Switchyard.', action: 'retry' };
  }
}
