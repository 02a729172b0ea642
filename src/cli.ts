import { UsageError } from './cli/cliError';
import type { CliCommand, CliIo } from './cli/cliError';
import { inferCommand } from './cli/inferCommand';
import { launchCommand } from './cli/launchCommand';
import { planCommand } from './cli/planCommand';
import { pushCommand } from './cli/pushCommand';
import { validateCommand } from './cli/validateCommand';

const USAGE = `Usage: sagemaker-hf <command> [options]

Commands:
  validate FILE... [--json]     check job files (*.sagemaker.yaml) against the schema and SageMaker's rules
  plan FILE [--json] [--region R] [--account ID] [--job-name NAME] [--time ISO-8601] [--profile P]
                                the exact CreateTrainingJob request and uploads a launch would make
                                (with --account: no network call at all)
  launch FILE [--profile P] [--region R] [--job-name N] [--wait [--poll S]]
                                package and upload the source, then create the training job
  launch FILE --local [--root DIR] [--python PATH] [--install-requirements]
                                run the job on this machine under SageMaker's container contract
  push DIR --repo NAMESPACE/NAME [--private] [--message M] [--hub-url URL] [--include-checkpoints]
                                upload a model folder to the Hugging Face Hub (token from HF_TOKEN)
  infer MODEL --text TEXT [--endpoint URL] [--provider NAME] [--hub-url URL] [--json]
                                run a summarization request against a model and print the summary
`;

/** One table of commands; each file in src/cli/ implements one. */
const COMMANDS: Record<string, CliCommand> = {
  validate: validateCommand,
  plan: planCommand,
  launch: launchCommand,
  push: pushCommand,
  infer: inferCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout('0.1.0\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`sagemaker-hf: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (err as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.stderr(`sagemaker-hf ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  // The AWS SDK warns on every client that releases after January 2027 need Node 22; the CLI runs on the user's Node.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`sagemaker-hf: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
