import { UsageError } from './cli/cliError';
import type { CliCommand, CliIo } from './cli/cliError';
import { inferCommand } from './cli/inferCommand';
import { pushCommand } from './cli/pushCommand';
import { validateCommand } from './cli/validateCommand';

const USAGE = `Usage: sagemaker-hf <command> [options]

Commands:
  validate FILE... [--json]     check job files (*.sagemaker.yaml) against the schema and SageMaker's rules
  push DIR --repo NAMESPACE/NAME [--private] [--message M] [--hub-url URL] [--include-checkpoints]
                                upload a model folder to the Hugging Face Hub (token from HF_TOKEN)
  infer MODEL --text TEXT [--endpoint URL] [--provider NAME] [--hub-url URL] [--json]
                                run a summarization request against a model and print the summary
`;

/** One table of commands; each file in src/cli/ implements one. */
const COMMANDS: Record<string, CliCommand> = {
  validate: validateCommand,
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
