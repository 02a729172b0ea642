import * as path from 'path';
import { parseArgs } from './args';
import { validateJobFile } from '../core/jobFile/validateJobFile';
import { jobFileContext } from '../source/jobFileOnDisk';
import type { Problem } from '../core/jobFile/problem';
import { readInputFile, UsageError } from './cliError';
import type { CliIo } from './cliError';

export interface FileProblems {
  file: string;
  problems: Problem[];
}

/** `sagemaker-hf validate FILE... [--json]`: 0 when no file has errors, 1 when any has, 2 on usage or I/O errors. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length === 0) throw new UsageError('validate needs at least one job file: sagemaker-hf validate FILE... [--json]');
  const results: FileProblems[] = [];
  let ioFailed = false;
  for (const file of positionals) {
    const absolute = path.resolve(io.cwd, file);
    const text = await readInputFile(file, absolute, io);
    if (text === undefined) {
      ioFailed = true;
      continue;
    }
    results.push({ file, problems: validateJobFile(text, jobFileContext(absolute)).problems });
  }
  if (values.json) {
    const flat = results.flatMap((r) => r.problems.map((p) => ({ file: r.file, severity: p.severity, message: p.message, path: p.path, range: p.range, code: p.code })));
    io.stdout(`${JSON.stringify(flat, null, 2)}\n`);
  } else {
    for (const r of results) io.stdout(formatProblems(r.file, r.problems));
    const errors = results.reduce((n, r) => n + r.problems.filter((p) => p.severity === 'error').length, 0);
    const warnings = results.reduce((n, r) => n + r.problems.filter((p) => p.severity === 'warning').length, 0);
    io.stderr(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (ioFailed) return 2;
  return results.some((r) => r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}

/** `file:line:col: severity: message`, 1-based as compilers print them (and as editors link them). */
export function formatProblems(file: string, problems: Problem[]): string {
  return problems.map((p) => `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message}\n`).join('');
}
