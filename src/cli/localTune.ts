/**
 * `sagemaker-hf tune FILE --local`: the seam through which the tuning command runs a `tuning:` block
 * on this machine (Random or Grid search, trials as local jobs under the container contract; #19's
 * "Local tuning"). Local tuning is not part of this build yet, so the command refuses --local and
 * says what works instead; the local tuning work replaces this function's body with its runner.
 */
import type { CliIo } from './cliError';

export interface LocalTuneFlags {
  root?: string;
  python?: string;
  installRequirements?: boolean;
  region?: string;
}

/** Exit 2 (a usage error): nothing is run. */
export async function tuneLocally(file: string, _text: string, _flags: LocalTuneFlags, io: CliIo): Promise<number> {
  io.stderr(
    `sagemaker-hf tune: --local is not available in this build: it cannot run ${file}'s trials on this machine. Tune on SageMaker with \`sagemaker-hf tune ${file}\` (see the request first with \`sagemaker-hf plan ${file}\`), or run one trial's settings locally with \`sagemaker-hf launch ${file} --local\`.\n`,
  );
  return 2;
}
