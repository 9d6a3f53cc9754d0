/**
 * `npm run bench`: startup time of the real server and server-side request times with the
 * demo data, printed as Markdown. Progress goes to stderr, the tables to stdout.
 *
 *   npm run bench                 everything
 *   npm run bench -- --skip-startup / --skip-requests
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchRequests, type RequestBench } from './requests.ts';
import { benchStartup, type StartupResult } from './startup.ts';
import { machineFacts, markdown } from './report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const progress = (line: string) => process.stderr.write(`  ${line}\n`);

const began = performance.now();
const machine = machineFacts();
process.stderr.write(`Caravan bench on ${machine.cpu} × ${machine.cores}, ${machine.memory}, Node ${machine.node}\n`);
const busy = (load: number[]) => (load[0] ?? 0) > machine.cores * 0.5;
if (busy(machine.loadStart)) {
  process.stderr.write(`  ! the machine is busy (1-min load ${machine.loadStart[0]!.toFixed(2)} on ${machine.cores} cores): figures will be inflated\n`);
}

let startup: StartupResult | null = null;
if (!args.has('--skip-startup')) {
  process.stderr.write('Startup (spawning node_modules/.bin/tsx src/server.ts):\n');
  startup = await benchStartup(root, 3, progress);
}

let requests: RequestBench | null = null;
if (!args.has('--skip-requests')) {
  process.stderr.write('Requests (in-process, PGlite in memory):\n');
  requests = await benchRequests(progress);
}

machine.loadEnd = os.loadavg();
process.stderr.write(`Done in ${((performance.now() - began) / 1000).toFixed(1)} s.\n\n`);
process.stdout.write(markdown(machine, startup, requests) + '\n');
if (requests && !requests.verify.ok) process.stderr.write(`verifyLedger problems:\n${requests.verify.problems.join('\n')}\n`);
