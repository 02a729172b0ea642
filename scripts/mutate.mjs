// `npm run mutate [-- AREA... [stryker options]]`: mutation testing with StrykerJS (docs/MUTATION.md).
// With no area, every area of stryker.config.mjs runs, one after the other, each with its own
// report and incremental file under reports/mutation/. Other arguments go to `stryker run` as they
// are, e.g. `npm run mutate -- hub --concurrency 2` or `npm run mutate -- --mutate 'src/hub/hubErrors.ts'`
// (an explicit --mutate with no area uses the test files of all areas).
// Not part of `npm test`: it takes from minutes (one small area) to hours (all of src/core).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AREAS } from '../stryker.config.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const areas = args.filter((a) => a in AREAS || a === 'all');
const strykerArgs = args.filter((a) => !areas.includes(a));
const explicitMutate = strykerArgs.some((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));
const toRun = areas.length ? areas : explicitMutate ? ['all'] : Object.keys(AREAS);
const strykerBin = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

let failed = 0;
for (const area of toRun) {
  console.log(`\n▶ mutation testing: ${area}`);
  const res = spawnSync(process.execPath, [strykerBin, 'run', ...strykerArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATE_AREA: area },
  });
  if (res.status !== 0) {
    failed++;
    console.error(`mutation testing of ${area} failed (exit ${res.status ?? res.signal})`);
  }
}
process.exit(failed ? 1 : 0);
