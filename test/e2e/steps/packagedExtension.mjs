// The .vsix the journey installs into code-server: the artifact users get is the one tested.
// Built fresh for every run by `npm run package`'s own code (scripts/package.mjs: a production build
// in a staging folder, vsce, the packaging rules), into the run's temp folder, so it can never be
// stale against the checkout and never touches dist/. `--vsix FILE` tests a given package instead
// (one a CI job built, or a release candidate).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPackages } from '../../../scripts/package.mjs';

/**
 * @param {{ tmp: string, vsix?: string, log: (line: string) => void }} options
 * @returns {Promise<string>} the .vsix to install
 */
export async function packagedExtension({ tmp, vsix, log }) {
  if (vsix) {
    const file = path.resolve(vsix);
    if (!fs.existsSync(file) || !file.endsWith('.vsix')) throw new Error(`--vsix ${vsix}: no such .vsix file; build one with \`npm run package\``);
    log(`e2e: installing the given package ${file}`);
    return file;
  }
  const started = Date.now();
  const report = await buildPackages({ outDir: path.join(tmp, 'package') });
  log(
    `e2e: built ${path.basename(report.vsix.path)} (${(report.vsix.bytes / 1024).toFixed(0)} KiB, ${report.vsix.files} files) in ${((Date.now() - started) / 1000).toFixed(0)} s; the session installs it`,
  );
  return report.vsix.path;
}
