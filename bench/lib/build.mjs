// Bundles the benchmarks' TypeScript entry points (and the src/ and test/emulators/ code they import)
// into bench/.build/ with esbuild, so a run never depends on out/ (which `npm test` deletes and
// rebuilds) nor on a tsc pass. Packages stay external: they load from node_modules as the CLI's do.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateValidator } from '../../scripts/generateValidator.mjs';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchDir, '..');
export const buildDir = path.join(benchDir, '.build');

/**
 * @param {string[]} entries paths relative to the repository, e.g. 'bench/validation.ts'
 * @returns {Promise<Record<string, string>>} entry → bundled .js path (bench/.build/validation.js)
 */
export async function buildBenchEntries(entries) {
  mkdirSync(buildDir, { recursive: true });
  generateValidator(); // src/core/jobFile/generated/, which the validator imports
  const out = {};
  await Promise.all(
    entries.map(async (entry) => {
      const outfile = path.join(buildDir, entry.replace(/^bench\//, '').replace(/\.ts$/, '.js'));
      await esbuild.build({
        entryPoints: [path.join(repoRoot, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        packages: 'external',
        external: ['vscode'],
        sourcemap: 'linked',
        logLevel: 'warning',
      });
      out[entry] = outfile;
    }),
  );
  return out;
}
