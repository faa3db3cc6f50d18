// `npm run lab -- COMMAND`: the lab's command line over lab.ts. Exit 0 on success, 1 when the
// lab or the machine fails, 2 on bad input; `exec` exits with the command's own code.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  LabInputError,
  impair,
  labDown,
  labExecArgv,
  labStatus,
  labUp,
  listLabs,
  readLabInfo,
} from './lab.ts';
import type { Impairment } from './lab.ts';
import { DEFAULT_LAB_NAME } from './lab-plan.ts';
import { LAB_PATH } from './run-command.ts';

const USAGE = `usage: npm run lab -- COMMAND [--name NAME]
  up [--routers N] [--wans 1..4]     build the lab (default: 1 router, 4 uplinks, name "lab")
  down                               remove everything the lab made (safe to repeat)
  status                             JSON: routers, daemons, uplink states, impairments
  info                               print the lab file (addresses, credentials, host keys)
  impair ROUTER WAN --down | --up | --blackhole | --loss PCT | --latency MS | --clear
  exec TARGET -- CMD [ARG...]        TARGET: rNN, lan, rNN-lan, rNN-WAN (its ISP), inet`;

const NUMBER_PATTERN = /^\d+(\.\d+)?$/;

function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!NUMBER_PATTERN.test(value)) throw new LabInputError(`${flag} needs a number, got "${value}"`);
  return Number(value);
}

function impairmentFrom(values: Record<string, string | boolean | undefined>): Impairment {
  const chosen: Impairment[] = [];
  if (values['down']) chosen.push({ kind: 'down' });
  if (values['up']) chosen.push({ kind: 'up' });
  if (values['blackhole']) chosen.push({ kind: 'blackhole' });
  if (values['clear']) chosen.push({ kind: 'clear' });
  const lossPct = parseNumber('--loss', values['loss'] as string | undefined);
  if (lossPct !== undefined) chosen.push({ kind: 'loss', lossPct });
  const latencyMs = parseNumber('--latency', values['latency'] as string | undefined);
  if (latencyMs !== undefined) chosen.push({ kind: 'latency', latencyMs });
  const [only, ...rest] = chosen;
  if (!only || rest.length > 0) {
    throw new LabInputError('impair needs exactly one of --down, --up, --blackhole, --loss PCT, --latency MS, --clear');
  }
  return only;
}

async function main(argv: readonly string[]): Promise<number> {
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const command = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  const { values, positionals } = parseArgs({
    args: [...own],
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string', default: DEFAULT_LAB_NAME },
      routers: { type: 'string' },
      wans: { type: 'string' },
      down: { type: 'boolean' },
      up: { type: 'boolean' },
      blackhole: { type: 'boolean' },
      clear: { type: 'boolean' },
      loss: { type: 'string' },
      latency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb, ...rest] = positionals;
  const name = values.name;
  const expectArgs = (count: number): void => {
    if (rest.length !== count) throw new LabInputError(`${verb} takes ${count} argument(s), got ${rest.length}: ${rest.join(' ')}`);
  };
  if (values.help || !verb) {
    console.log(USAGE);
    return verb || values.help ? 0 : 2;
  }
  switch (verb) {
    case 'up': {
      expectArgs(0);
      const startedMs = Date.now();
      const info = await labUp({
        name,
        routers: parseNumber('--routers', values.routers),
        wans: parseNumber('--wans', values.wans),
      });
      const elapsedMs = Date.now() - startedMs;
      for (const r of info.routers) {
        console.log(`${r.name}  ssh root@${r.ssh.host} -i ${r.ssh.rootKeyPath}  (${r.wans.map((w) => w.name).join(', ')})`);
      }
      console.log(`lab "${info.name}" up in ${elapsedMs} ms; lab file ${info.labFile}`);
      return 0;
    }
    case 'down': {
      expectArgs(0);
      const report = await labDown(name);
      console.log(
        `lab "${name}" down: ${report.namespaces.length} namespaces, ${report.killedPids.length} processes` +
          `${report.removedDir ? ', state dir removed' : ''}`,
      );
      return 0;
    }
    case 'status': {
      expectArgs(0);
      const explicit = own.some((a) => a === '--name' || a.startsWith('--name='));
      const names = explicit ? [name] : await listLabs();
      const statuses = await Promise.all((names.length > 0 ? names : [name]).map((n) => labStatus(n)));
      console.log(JSON.stringify(explicit ? statuses[0] : statuses, null, 2));
      return 0;
    }
    case 'info': {
      expectArgs(0);
      console.log(JSON.stringify(await readLabInfo(name), null, 2));
      return 0;
    }
    case 'impair': {
      expectArgs(2);
      const [router, wan] = rest as [string, string];
      const startedMs = performance.now();
      const state = await impair(name, router, wan, impairmentFrom(values));
      console.log(`${router}/${wan}: ${JSON.stringify(state)} (applied in ${Math.round(performance.now() - startedMs)} ms)`);
      return 0;
    }
    case 'exec': {
      expectArgs(1);
      const execArgv = await labExecArgv(name, rest[0] as string, command);
      const [file, ...args] = execArgv;
      const child = spawn(file as string, args, { stdio: 'inherit', env: { ...process.env, PATH: LAB_PATH } });
      return await new Promise<number>((resolve) => {
        child.on('error', (err) => {
          console.error(`lab: ${err.message}`);
          resolve(1);
        });
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
    }
    default:
      throw new LabInputError(`unknown command "${verb}"\n${USAGE}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const usage = err instanceof LabInputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`lab: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = usage ? 2 : 1;
}
