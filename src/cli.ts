import { awsAccessProblem } from './aws/awsErrors';
import { HelpRequested } from './cli/args';
import { UsageError } from './cli/cliError';
import { closestMatch } from './core/jobFile/didYouMean';
import type { CliCommand, CliIo } from './cli/cliError';

const USAGE = `Usage: sagemaker-hf <command> [options]

Getting started
  quickstart [DIR]              write the quickstart (a job that runs on this machine in seconds) into DIR

Job files
  validate FILE... [--json]     check job files (*.sagemaker.yaml) against the schema and SageMaker's rules
  plan FILE [--json] [--region R] [--account ID] [--job-name NAME] [--time ISO-8601] [--profile P]
                                the exact CreateTrainingJob request (with tuning:, the
                                CreateHyperParameterTuningJob request) and uploads a launch would make,
                                where each \${env:NAME} goes (by name) and links that leave source_dir
                                (with --account: no network call at all)
  doctor [FILE] [--json] [--region R] [--profile P] [--request-quota]
                                check the AWS setup (credentials, role, buckets, instance quota, image)
                                and estimate what the job will cost; --request-quota asks Service Quotas
                                for the increase the job needs (RequestServiceQuotaIncrease)

Training jobs
  launch FILE [--profile P] [--region R] [--account ID] [--job-name N] [--job-file-sha256 HEX]
       [--follow-external-links] [--wait [--poll S] [--stop-over-budget]]
                                plan as \`plan\` does, then package and upload the source and create
                                the training job with the planned request; links that leave
                                source_dir are refused unless --follow-external-links; --account
                                skips STS (it must be the credentials' own account);
                                --job-file-sha256 refuses the file unless it is still the text
                                whose jobFileSha256 \`plan --json\` printed; a job file's max_cost_usd
                                refuses a job whose cost ceiling exceeds it (plan too), and with
                                --wait --stop-over-budget stops the job when it reaches it
  launch FILE --local [--root DIR] [--python PATH] [--install-requirements]
                                run the job on this machine under SageMaker's container contract
  tune FILE [--profile P] [--region R] [--account ID] [--job-name N] [--job-file-sha256 HEX]
       [--follow-external-links] [--local ...]
                                a job file with tuning: as the hyperparameter tuning job
                                HyperparameterTuner(...).fit() creates (launch does the same for it);
                                max_cost_usd holds for the whole tuning job
  jobs [--status S] [--name-contains X] [--max N] [--json]
                                list training jobs, newest first, then tuning jobs
                                with their trial counts and best trial
  logs JOB [--follow] [--history N] [--max-cost-usd N [--stop-over-budget]]
                                every host's CloudWatch log, labelled, with status lines and the end summary;
                                with a budget: a warning at 80 %, and at 100 % the job stopped
                                (--stop-over-budget) or reported
  stop JOB                      stop an InProgress training job or tuning job
  diagnose JOB [--json] [--source-dir DIR | --job-file FILE] [--local [--root DIR]]
                                why a job failed: FailureReason and where, each host's first traceback
                                with frames mapped to the workspace (source_dir; default: the current
                                folder), the cause and its fix; exit 0 when the job did not fail
  metrics JOB [--follow] [--json] [--poll S] [--local [--root DIR]]
                                every series: each host's GPU, CPU, memory and disk (CloudWatch, or
                                /proc and nvidia-smi for --local), the curves parsed from the log and
                                the metric_definitions series; --json prints
                                {"job", "series": [{"name", "host", "source", "unit", "points"}]}
  cost [JOB...] [--since 30d] [--group-by base-job-name|tag:KEY|instance-type] [--offline] [--json]
                                what each job cost (or costs so far) in instance time, spot savings,
                                warm-pool time on its own line, and the total; the price's source and date
  compare JOB JOB... [--json] [--root DIR] [--offline]
                                two or more training jobs side by side (cloud, or local when --root,
                                default ./.sagemaker-local, holds the job): image, instances, training
                                time, cost with its price source, every hyperparameter, the final
                                metrics, a * on each row that differs; --json adds the training curves
  cleanup [--older-than 30d] [--status Completed,Failed,Stopped] [--delete] [--delete-jobs] [--json]
                                ended jobs and what they left in S3 (model output, checkpoints, code,
                                profiler/debug output), sizes and monthly cost; a dry run unless --delete,
                                which deletes only prefixes no other job shares

Models
  download JOB [--to DIR] [--overwrite] [--output]
                                stream a completed job's model.tar.gz from S3 and extract it (default ./models/JOB)
  extract ARCHIVE --to DIR [--overwrite] [--record-hashes]
                                unpack a model.tar.gz safely (nothing written outside DIR);
                                --record-hashes keeps each file's sha256 for a later push
  card DIR [--job-file FILE] [--out FILE|-]
                                write the model card (README.md) from the Trainer's result files
  push DIR --repo NAMESPACE/NAME [--public] [--message M] [--hub-url URL] [--include-checkpoints]
       [--follow-external-links] [--transfer lfs|xet]
                                upload a model folder to the Hugging Face Hub (token from HF_TOKEN);
                                a new repository is private unless --public; large files as plain
                                LFS (default) or as Xet chunks
  infer MODEL --text TEXT [--endpoint URL] [--provider NAME] [--hub-url URL] [--json]
                                run a summarization request against a model and print the summary

AWS credentials come from the standard chain (environment, ~/.aws, SSO, instance metadata);
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> override endpoints.
`;

/**
 * One table of commands; each lives in src/cli/<name>Command.ts and is required when run, so
 * `validate` does not load the AWS or Hugging Face SDKs. USAGE lists exactly these (a test checks).
 */
export const COMMANDS: Readonly<Record<string, () => CliCommand>> = {
  validate: () => require('./cli/validateCommand').validateCommand,
  plan: () => require('./cli/planCommand').planCommand,
  doctor: () => require('./cli/doctorCommand').doctorCommand,
  launch: () => require('./cli/launchCommand').launchCommand,
  tune: () => require('./cli/tuneCommand').tuneCommand,
  jobs: () => require('./cli/jobsCommand').jobsCommand,
  logs: () => require('./cli/logsCommand').logsCommand,
  stop: () => require('./cli/stopCommand').stopCommand,
  diagnose: () => require('./cli/diagnoseCommand').diagnoseCommand,
  metrics: () => require('./cli/metricsCommand').metricsCommand,
  cost: () => require('./cli/costCommand').costCommand,
  compare: () => require('./cli/compareCommand').compareCommand,
  cleanup: () => require('./cli/cleanupCommand').cleanupCommand,
  download: () => require('./cli/downloadCommand').downloadCommand,
  extract: () => require('./cli/extractCommand').extractCommand,
  card: () => require('./cli/cardCommand').cardCommand,
  push: () => require('./cli/pushCommand').pushCommand,
  infer: () => require('./cli/inferCommand').inferCommand,
  quickstart: () => require('./cli/quickstartCommand').quickstartCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const guess = closestMatch(name, Object.keys(COMMANDS));
    io.stderr(`sagemaker-hf: unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await load()(rest, io);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.stdout(commandHelp(name, err.options));
      return 0;
    }
    const code = (err as { code?: string }).code;
    if (
      err instanceof UsageError ||
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
    ) {
      io.stderr(`sagemaker-hf ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    const access = awsAccessProblem(err, 'cli', { ...profileOf(rest, io.env) });
    if (access) {
      io.stderr(`sagemaker-hf ${name}: ${access}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * One command's help: its entries in USAGE (a line indented by two spaces that names it, and the
 * lines indented further that follow) and every option it accepts.
 */
export function commandHelp(name: string, options: readonly string[]): string {
  const lines = USAGE.split('\n');
  const picked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!new RegExp(`^ {2}${name}( |$)`).test(lines[i]!)) continue;
    picked.push(lines[i]!);
    while (i + 1 < lines.length && /^ {3,}\S/.test(lines[i + 1]!)) picked.push(lines[++i]!);
  }
  const usage = picked.map((l) => l.replace(/^ {2}/, '')).join('\n');
  return `Usage: sagemaker-hf ${usage}\n\nOptions:\n${[...options, '--help, -h'].map((o) => `  ${o}`).join('\n')}\n`;
}

/** The profile an AWS command uses: `--profile P` or `--profile=P`, else AWS_PROFILE. */
function profileOf(args: readonly string[], env: NodeJS.ProcessEnv): { profile?: string } {
  let profile = env['AWS_PROFILE'];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--profile' && args[i + 1]) profile = args[i + 1];
    else if (args[i]?.startsWith('--profile=')) profile = args[i]!.slice('--profile='.length);
  }
  return profile ? { profile } : {};
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

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
