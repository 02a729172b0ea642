#!/usr/bin/env node
// Runs the moto emulator (with the SageMaker lifecycle launcher) for the demo and e2e runs, outside a test:
//
//   node test/emulators/moto/start.mjs [--port 5000] [--max-seconds 3600] [--sim-seconds 6]
//        [--stop-seconds 1] [--log-lines 20] [--fail-jobs REGEX]
//
// Prints `MOTO_ENDPOINT=http://127.0.0.1:<port>` once the server answers, then stays up until SIGINT/SIGTERM
// or --max-seconds, whichever comes first. Needs `npx tsc -p tsconfig.json` (it reuses the compiled helper).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const compiled = path.join(repo, 'out', 'test', 'emulators', 'moto', 'motoServer.js');
if (!existsSync(compiled)) {
  console.error(`start.mjs: ${path.relative(repo, compiled)} is missing; run \`npx tsc -p tsconfig.json\` first.`);
  process.exit(2);
}
const { startMoto } = createRequire(import.meta.url)(compiled);

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'max-seconds': { type: 'string', default: '3600' },
    'sim-seconds': { type: 'string' },
    'stop-seconds': { type: 'string' },
    'log-lines': { type: 'string' },
    'fail-jobs': { type: 'string' },
  },
});
const number = (flag) => {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`start.mjs: --${flag} ${raw} is not a non-negative number`);
    process.exit(2);
  }
  return parsed;
};

const maxSeconds = number('max-seconds');
let server;
try {
  server = await startMoto({
    port: number('port'),
    simSeconds: number('sim-seconds'),
    stopSeconds: number('stop-seconds'),
    logLinesPerHost: number('log-lines'),
    failJobs: values['fail-jobs'],
    // The server's own backstop, a little after ours, in case this process is killed hard.
    maxLifetimeSeconds: maxSeconds > 0 ? maxSeconds + 5 : 0,
  });
} catch (error) {
  console.error(`start.mjs: ${error.message}`);
  process.exit(1);
}
console.log(`MOTO_ENDPOINT=${server.endpoint}`);

const shutdown = async (why) => {
  console.error(`start.mjs: stopping moto (${why})`);
  await server.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
// This timer also keeps the process alive: the helper unrefs the server so that tests can end without it.
setTimeout(() => void shutdown(`--max-seconds ${maxSeconds} reached`), (maxSeconds > 0 ? maxSeconds : 2 ** 31 / 1000 - 1) * 1000);
