/**
 * How a failed script becomes `/opt/ml/output/failure` and DescribeTrainingJob.FailureReason.
 *
 * TK process.watch scans each output stream for the first line that names a Python (or MPI)
 * error class and keeps every line from there on; process.check_error joins both streams,
 * drops repeated lines and raises ExecuteUserScriptError, whose `str()` is the failure file
 * (trainer.train → files.write_failure_file). SageMaker shows the first 1024 characters of that
 * file behind "AlgorithmError: ".
 */

/** TK `__init__._PYTHON_ERRORS_` + `_MPI_ERRORS_` + the default error class. */
const ERROR_MARKERS = [
  'BaseException',
  'Exception',
  'ArithmeticError',
  'AssertionError',
  'AttributeError',
  'BlockingIOError',
  'BrokenPipeError',
  'BufferError',
  'ChildProcessError',
  'ConnectionAbortedError',
  'ConnectionError',
  'ConnectionRefusedError',
  'ConnectionResetError',
  'EOFError',
  'EnvironmentError',
  'FileExistsError',
  'FileNotFoundError',
  'FloatingPointError',
  'IOError',
  'ImportError',
  'IndentationError',
  'IndexError',
  'InterruptedError',
  'IsADirectoryError',
  'KeyError',
  'LookupError',
  'MemoryError',
  'ModuleNotFoundError',
  'NameError',
  'NotADirectoryError',
  'NotImplementedError',
  'OSError',
  'OverflowError',
  'PermissionError',
  'ProcessLookupError',
  'RecursionError',
  'ReferenceError',
  'RuntimeError',
  'SyntaxError',
  'SystemError',
  'TabError',
  'TimeoutError',
  'TypeError',
  'UnboundLocalError',
  'UnicodeDecodeError',
  'UnicodeEncodeError',
  'UnicodeError',
  'UnicodeTranslateError',
  'ValueError',
  'ZeroDivisionError',
  'Invalid requirement',
  'ResourceExhaustedError',
  'OutOfRangeError',
  'InvalidArgumentError',
  'mpirun.real',
  'ORTE',
  'ExecuteUserScriptError',
];

/** SageMaker returns this many characters of the failure file as FailureReason. */
export const FAILURE_REASON_LIMIT = 1024;

/** Python's `s.strip(chars)`. */
function strip(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start]!)) start++;
  while (end > start && chars.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** TK process.watch for one stream: everything from the first line naming an error class. */
export function watchStream(lines: readonly string[]): string {
  const kept: string[] = [];
  let started = false;
  for (const line of lines) {
    // Rank tags that mpirun --tag-output adds; harmless without MPI.
    const errorLine = line.replace(/\[(\d),(\d)\]<stderr>/g, '').replace(/\[(\d),(\d)\]<stdout>/g, '');
    if (!started && ERROR_MARKERS.some((marker) => errorLine.includes(marker))) started = true;
    if (started) kept.push(`${strip(errorLine, ' :\n')}\n`);
  }
  return kept.join(' ');
}

/** TK process.check_error: both watched streams, repeated lines dropped, stripped. */
export function toolkitErrorMessage(stdoutLines: readonly string[], stderrLines: readonly string[]): string {
  const joined = [watchStream(stdoutLines), watchStream(stderrLines)].join(' ');
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const line of joined.split('\n')) {
    if (seen.has(line)) continue;
    seen.add(line);
    unique.push(line);
  }
  return unique.join('\n').trim();
}

export interface ScriptFailure {
  /** `ExecuteUserScriptError`, or the install error of TK modules.install / install_requirements when pip failed. */
  errorClass: 'ExecuteUserScriptError' | 'InstallRequirementsError' | 'InstallModuleError';
  exitCode: number;
  /** What the toolkit captured (see toolkitErrorMessage). */
  errorMessage: string;
  /** The command, space-joined. */
  command: string;
}

/** `str(errors._CalledProcessError)`: the failure file's text. */
export function failureFileText(failure: ScriptFailure): string {
  // TK process.check_error: 137 is the kernel's OOM killer (SIGKILL) as the shell reports it.
  const extraInfo = failure.exitCode === 137 ? 'OutOfMemory: Process killed by SIGKILL (signal 9)' : undefined;
  const lines = [`${failure.errorClass}:`, `ExitCode ${failure.exitCode}`, `ErrorMessage "${failure.errorMessage}"`];
  if (extraInfo) lines.push(`ExtraInfo "${extraInfo}"`);
  lines.push(`Command "${failure.command}"`);
  return lines.join('\n').trim();
}

/** DescribeTrainingJob.FailureReason for a failure file the algorithm wrote. */
export function failureReasonFromFile(failureFile: string): string {
  return `AlgorithmError: ${failureFile.slice(0, FAILURE_REASON_LIMIT)}`;
}

/** The exit code `/bin/sh` reports for a child ended by a signal (128 + number), as the toolkit sees it. */
export function shellExitCode(code: number | null, signal: string | null, signalNumbers: Readonly<Record<string, number>>): number {
  if (code !== null) return code;
  const number = signal ? signalNumbers[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}
