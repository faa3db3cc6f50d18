// Captures the troubleshooting commands' real output on a lab router into
// src/main/core/troubleshoot/__fixtures__ (see the README there). Needs a lab up:
//   SWITCHYARD_LAB_TAG=x npm run lab -- up --name cap --wans 2
//   node scripts/capture-troubleshoot.ts cap NAME DEVICE PHASE [ARGS…]
// PHASE facts: DEVICE TARGET [PUBLIC_DNS]; probes: DEVICE GATEWAY TARGET DNS NAME URL [TOOL SOURCE
// PUBLIC_DNS]. Nothing is edited.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labExec } from '../test/lab/lab.ts';
import { troubleshootFactsCommand, troubleshootProbesCommand } from '../src/main/core/troubleshoot/troubleshoot-commands.ts';

const [lab, name, phase, device, ...rest] = process.argv.slice(2);
if (!lab || !name || !device || (phase !== 'facts' && phase !== 'probes')) throw new Error('usage: capture-troubleshoot.ts LAB NAME facts|probes DEVICE …');
const command =
  phase === 'facts'
    ? troubleshootFactsCommand(device, rest[0] || null, rest[1] ? [rest[1]] : [])
    : troubleshootProbesCommand({
        device,
        gateway: rest[0] || null,
        target: rest[1] || null,
        dnsServer: rest[2] || null,
        dnsName: rest[3] ?? 'example.com',
        httpUrl: rest[4] || null,
        dnsTool: rest[5] === 'dig' || rest[5] === 'drill' ? rest[5] : 'nslookup',
        dnsSource: rest[6] || null,
        publicDnsServer: rest[7] || null,
      });
const result = await labExec(lab, 'r01', ['sh', '-c', command.text], { allowFailure: true, timeoutMs: 60_000 });
writeFileSync(join(import.meta.dirname, '../src/main/core/troubleshoot/__fixtures__', `${name}.txt`), result.stdout);
console.log(result.stdout);
