import * as path from 'path';
import { declaresTuning } from '../core/jobFile/jobDocument';
import { parseArgs } from './args';
import { readInputFile, UsageError } from './cliError';
import type { CliIo } from './cliError';
import { launchCommand } from './launchCommand';
import { tuneLocally } from './localTune';
import { localLaunchFlags } from './localRunOptions';

const USAGE =
  'sagemaker-hf tune FILE [--profile P] [--region R] [--account ID] [--job-name NAME] [--job-file-sha256 HEX] [--follow-external-links] | tune FILE --local [--root DIR] [--python PATH] [--install-requirements]';

/**
 * `sagemaker-hf tune FILE`: a job file with a `tuning:` block launched as the hyperparameter tuning
 * job `HyperparameterTuner(...).fit()` creates — the same path as `launch` (which does the same for
 * such a file): planned once, refused over its budget, the source uploaded, then
 * CreateHyperParameterTuningJob with the request `plan` shows. stdout: the tuning job's name and ARN.
 * `--local` runs the search on this machine (localTune.ts). Exit codes as `launch`'s.
 */
export async function tuneCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      region: { type: 'string' },
      account: { type: 'string' },
      'job-name': { type: 'string' },
      'job-file-sha256': { type: 'string' },
      'follow-external-links': { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
      root: { type: 'string' },
      python: { type: 'string' },
      'install-requirements': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`tune needs one job file: ${USAGE}`);
  const file = positionals[0]!;
  const text = await readInputFile(file, path.resolve(io.cwd, file), io);
  if (text === undefined) return 2;
  // Only the block's presence is read here; the plan validates the whole file.
  if (declaresTuning(text) === false) {
    io.stderr(
      `sagemaker-hf tune: ${file} has no tuning: block, so there is nothing to tune. Add one (objective_metric_name, metric_definitions, hyperparameter_ranges, max_jobs, …), or launch it as one training job with \`sagemaker-hf launch ${file}\`.\n`,
    );
    return 1;
  }
  if (values.local) {
    return tuneLocally(file, text, localLaunchFlags(values), io);
  }
  return launchCommand(args, io);
}
