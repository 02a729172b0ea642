// Re-validating a job file, as the editor does after each pause in typing, against parsing the same
// text with `yaml` alone (the least any YAML-aware validator must do). Runs in one process, warm, the
// two alternating call by call so that GC and CPU-frequency noise falls on both alike.
//
//   node bench/.build/validation.js [--quick]       prints one JSON line (ValidationBenchResult)
//   node bench/.build/validation.js --cold          first validation in a fresh process (loading the validator included)
//   node --cpu-prof bench/.build/validation.js --profile 5000   validates a 5,000-line file for a few seconds

import { parseDocument } from 'yaml';
import { validateJobFile } from '../src/core/jobFile/validateJobFile';
import type { JobFileContext } from '../src/core/jobFile/semanticChecks';
import { median, quantile } from './lib/stats';

export interface ValidationSizeResult {
  lines: number;
  bytes: number;
  problems: number;
  errors: number;
  iterations: number;
  candidateMs: number;
  baselineMs: number;
  candidateP90Ms: number;
  /** yaml.parseDocument without `uniqueKeys`: the parse our validator itself runs, for the growth reference. */
  parseOnlyMs: number;
  /** candidate / baseline */
  ratio: number;
  candidateUsPerLine: number;
}

export interface ValidationBenchResult {
  sizes: ValidationSizeResult[];
}

export interface ColdValidationResult {
  lines: number;
  /** First validateJobFile call in a fresh process: ajv compiles the schema. */
  firstCandidateMs: number;
  /** First parseDocument call in a fresh process. */
  firstBaselineMs: number;
  /** The second validateJobFile call, for comparison. */
  secondCandidateMs: number;
}

/** yaml's defaults (uniqueKeys is on by default): what "parsing with yaml alone" costs anyone. */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;
/** The options JobDocument parses with; duplicates are found by its own linear pass. */
const PARSE_ONLY_OPTIONS = { ...PARSE_OPTIONS, uniqueKeys: false } as const;

// A stat port that says every path exists: the editor passes one, so the file checks run too.
const CONTEXT: JobFileContext = {
  baseDir: '/workspace/project',
  defaultRegion: 'us-east-1',
  stat: (p) => ({ isDirectory: !/\.\w+$/.test(p) }),
};

/**
 * A job file of about `lines` lines grown the way real ones grow: more hyperparameters, more channels
 * with options, more metric definitions and tags, with comments between. The 200-line file is valid;
 * bigger ones pass SageMaker's limits (100 hyperparameters, 40 metrics, 50 tags) and so carry a few
 * problems, which is work a validator must do too.
 */
export function generateJobFile(lines: number): string {
  const out: string[] = [
    "# Generated for bench/validation.ts: a job file that grew over a project's life.",
    'entry_point: run_summarization.py',
    'source_dir: ./scripts',
    'instance_type: ml.p3dn.24xlarge',
    'instance_count: 2',
    'transformers_version: "4.26.0"',
    'pytorch_version: "1.13.1"',
    'py_version: py39',
    'role: arn:aws:iam::111122223333:role/SageMakerRole',
    'region: us-east-1',
    'base_job_name: bart-samsum',
    'max_run: 86400',
    'volume_size: 200',
    'distribution:',
    '  smdistributed:',
    '    dataparallel:',
    '      enabled: true',
  ];
  // Shares of the remaining lines: hyperparameters 40 %, channels 30 %, metric definitions 20 %, tags 10 %.
  const budget = Math.max(0, lines - out.length - 4);
  const hyper = Math.floor(budget * 0.4);
  const channelLines = Math.floor(budget * 0.3);
  const metricLines = Math.floor(budget * 0.2);
  const tagLines = budget - hyper - channelLines - metricLines;

  out.push('hyperparameters:');
  for (let i = 0; out.length < 18 + hyper; i++) {
    if (i % 10 === 9) {
      out.push(`  # group ${Math.floor(i / 10)}: learning schedule and evaluation`);
      continue;
    }
    const kind = i % 5;
    const value =
      kind === 0
        ? String(i * 7)
        : kind === 1
          ? `${(i / 1000).toFixed(4)}`
          : kind === 2
            ? i % 2 === 0
              ? 'true'
              : 'false'
            : kind === 3
              ? `facebook/bart-large-cnn-v${i}`
              : `"${i}e-5"`;
    out.push(`  param_${i}_${kind === 3 ? 'model' : 'value'}: ${value}`);
  }
  out.push('inputs:');
  const channelStart = out.length;
  for (let c = 0; out.length < channelStart + channelLines; c++) {
    if (c % 3 === 0) {
      out.push(`  train_${c}: s3://my-datasets/samsum/shard-${c}/train`);
    } else {
      out.push(`  channel_${c}:`);
      out.push(`    s3_data: s3://my-datasets/samsum/shard-${c}/data`);
      out.push(`    distribution: ${c % 2 ? 'ShardedByS3Key' : 'FullyReplicated'}`);
      out.push(`    input_mode: ${c % 2 ? 'FastFile' : 'File'}`);
      out.push('    content_type: application/jsonlines');
    }
  }
  out.push('metric_definitions:');
  const metricStart = out.length;
  for (let m = 0; out.length < metricStart + metricLines; m++) {
    out.push(`  - Name: eval_metric_${m}`);
    out.push(`    Regex: "'eval_metric_${m}': ([0-9.e-]+)"`);
  }
  out.push('tags:');
  const tagStart = out.length;
  for (let t = 0; out.length < tagStart + tagLines; t++) {
    out.push(`  - Key: team-${t}`);
    out.push(`    Value: ml-platform-${t}`);
  }
  return `${out.join('\n')}\n`;
}

function timeOnce(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function measureSize(lines: number, iterations: number): ValidationSizeResult {
  const text = generateJobFile(lines);
  const actualLines = text.split('\n').length - 1;
  const first = validateJobFile(text, CONTEXT);
  const warmup = Math.max(3, Math.floor(iterations / 4));
  for (let i = 0; i < warmup; i++) {
    validateJobFile(text, CONTEXT);
    parseDocument(text, PARSE_OPTIONS);
  }
  const candidate: number[] = [];
  const baseline: number[] = [];
  const parseOnly: number[] = [];
  const run = [
    () => candidate.push(timeOnce(() => validateJobFile(text, CONTEXT))),
    () => baseline.push(timeOnce(() => parseDocument(text, PARSE_OPTIONS))),
    () => parseOnly.push(timeOnce(() => parseDocument(text, PARSE_ONLY_OPTIONS))),
  ];
  for (let i = 0; i < iterations; i++) {
    // Rotate which goes first, so none always runs right after a collection another caused.
    for (let j = 0; j < run.length; j++) run[(i + j) % run.length]!();
  }
  const candidateMs = median(candidate);
  const baselineMs = median(baseline);
  return {
    lines: actualLines,
    bytes: Buffer.byteLength(text),
    problems: first.problems.length,
    errors: first.problems.filter((p) => p.severity === 'error').length,
    iterations,
    candidateMs,
    baselineMs,
    candidateP90Ms: quantile(candidate, 0.9),
    parseOnlyMs: median(parseOnly),
    ratio: candidateMs / baselineMs,
    candidateUsPerLine: (candidateMs * 1000) / actualLines,
  };
}

function cold(lines: number): ColdValidationResult {
  const text = generateJobFile(lines);
  const firstBaselineMs = timeOnce(() => parseDocument(text, PARSE_OPTIONS));
  const firstCandidateMs = timeOnce(() => validateJobFile(text, CONTEXT));
  const secondCandidateMs = timeOnce(() => validateJobFile(text, CONTEXT));
  return { lines, firstCandidateMs, firstBaselineMs, secondCandidateMs };
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  if (args.has('--cold')) {
    process.stdout.write(`${JSON.stringify(cold(200))}\n`);
    return;
  }
  const profileAt = process.argv.indexOf('--profile');
  if (profileAt > 0) {
    const text = generateJobFile(Number(process.argv[profileAt + 1] ?? 5000));
    const until = performance.now() + 5000;
    let runs = 0;
    while (performance.now() < until) {
      validateJobFile(text, CONTEXT);
      runs++;
    }
    process.stdout.write(`${JSON.stringify({ runs })}\n`);
    return;
  }
  const quick = args.has('--quick');
  // Iterations so each size takes a second or two in full mode.
  // The 20,000-line file shows whether the per-line cost keeps rising (a quadratic term) or levels off.
  const plan: Array<[number, number]> = quick
    ? [
        [200, 30],
        [1000, 6],
        [5000, 2],
      ]
    : [
        [200, 400],
        [1000, 120],
        [5000, 40],
        [20000, 6],
      ];
  const sizes = plan.map(([lines, iterations]) => measureSize(lines, iterations));
  const result: ValidationBenchResult = { sizes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) main();
