import { constants } from 'fs';
import { copyFile, mkdir, rm, stat } from 'fs/promises';
import * as path from 'path';
import { parseArgs } from './args';
import { QUICKSTART_FILES } from '../core/quickstartFiles';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';

const USAGE = 'sagemaker-hf quickstart [DIR]   (default ./quickstart; DIR must not exist)';

/** The shipped quickstart: examples/quickstart beside dist/ (this file is bundled into dist/cli.js). */
function shippedQuickstart(): string {
  return path.join(__dirname, '..', 'examples', 'quickstart');
}

/**
 * `sagemaker-hf quickstart [DIR]`: the quickstart the extension's "Create Quickstart Project" writes, into
 * a new folder. Nothing is overwritten (DIR must not exist), and a copy that fails part-way is removed.
 * Exit 0, or 2 when DIR exists or cannot be written.
 */
export async function quickstartCommand(args: string[], io: CliIo, deps: { source?: string } = {}): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(`quickstart takes at most one folder: ${USAGE}`);
  const target = path.resolve(io.cwd, positionals[0] ?? 'quickstart');
  const shown = path.relative(io.cwd, target) || '.';
  if (
    await stat(target).then(
      () => true,
      () => false,
    )
  ) {
    io.stderr(`sagemaker-hf quickstart: ${shown} already exists; the quickstart goes into a new folder, so nothing of yours is overwritten.\n`);
    return 2;
  }
  const source = deps.source ?? shippedQuickstart();
  try {
    for (const file of QUICKSTART_FILES) {
      await mkdir(path.dirname(path.join(target, file)), { recursive: true });
      await copyFile(path.join(source, file), path.join(target, file), constants.COPYFILE_EXCL);
    }
  } catch (err) {
    // The folder did not exist before: all of it is ours to remove.
    await rm(target, { recursive: true, force: true });
    io.stderr(`sagemaker-hf quickstart: could not write the quickstart into ${shown}: ${(err as Error).message}\n`);
    return 2;
  }
  const jobFile = path.join(shown, QUICKSTART_FILES[0]);
  io.stdout(
    `Wrote the quickstart into ${shown}/ (${QUICKSTART_FILES.length} files). Next:\n` +
      `  sagemaker-hf validate ${jobFile}\n` +
      `  sagemaker-hf launch ${jobFile} --local      # 2 hosts on this machine, python3, seconds\n` +
      `  sagemaker-hf launch ${path.join(shown, 'tune.sagemaker.yaml')} --local      # a tuning job: 4 trials, 2 at a time\n`,
  );
  return 0;
}
