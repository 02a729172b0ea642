/**
 * The first Python traceback in a host's log: where it starts, its frames (file, line, function)
 * and the exception line Python prints at its end.
 *
 * Lines may carry the prefixes launchers add in front of what a rank prints: mpirun's
 * `--tag-output` (`[1,3]<stderr>:`), PyTorch's per-rank prefix (`[rank3]:`) and torchrun's
 * `--tee` prefix (`[default0]:`); they are removed before reading. Python 3.11's caret lines
 * (`    ^^^^^`) and `[Previous line repeated N more times]` are skipped.
 */

/** One log line of a host; `timestamp` (epoch ms) when the source stamps lines (CloudWatch does, local logs do not). */
export interface HostLogLine {
  message: string;
  timestamp?: number;
}

export interface HostLog {
  /** `algo-1`, `algo-2`, … */
  host: string;
  lines: readonly HostLogLine[];
}

export interface ParsedFrame {
  /** The path as Python printed it, e.g. `/opt/ml/code/train.py` (or `train.py` for a script run by a relative name). */
  file: string;
  line: number;
  function: string;
}

export interface ParsedTraceback {
  host: string;
  /** The exception line, e.g. `torch.OutOfMemoryError: CUDA out of memory. Tried to allocate …`. */
  error: string;
  /** Outermost first, as Python prints them. */
  frames: ParsedFrame[];
  /** Index of the `Traceback (most recent call last):` line in the host's lines. */
  startIndex: number;
  /** Its timestamp, when the log has them. */
  timestamp?: number;
}

const PREFIXES = /^(?:\[\d+,\d+\]<(?:stdout|stderr)>:|\[rank\d+\]:|\[default\d+\]:)\s?/;
const TRACEBACK_START = /^\s*Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;
const CARETS = /^\s*[\^~]+\s*$/;
const REPEATED = /^\s*\[Previous line repeated \d+ more times?\]\s*$/;
/** Longest exception line kept (a tensor printed in a message can be megabytes). */
const MAX_ERROR_CHARS = 2000;
const MAX_FRAMES = 200;

/** A line without the launcher prefixes (mpirun rank tags, `[rankN]:`, `[defaultN]:`). */
export function stripRankPrefix(message: string): string {
  let text = message.replace(/\r?\n$/, '');
  // mpirun and torchrun prefixes can stack (`[1,0]<stderr>:[rank0]: …`).
  for (let i = 0; i < 3; i++) {
    const next = text.replace(PREFIXES, '');
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * The first traceback of a host's log, or undefined when it has none. A CloudWatch event may hold
 * several lines (a traceback written in one write): events are split into lines first.
 */
export function firstTraceback(log: HostLog): ParsedTraceback | undefined {
  const lines: Array<{ text: string; timestamp?: number }> = [];
  for (const line of log.lines) {
    for (const part of line.message.replace(/\r?\n$/, '').split(/\r?\n/)) {
      lines.push({ text: stripRankPrefix(part), ...(line.timestamp !== undefined ? { timestamp: line.timestamp } : {}) });
    }
  }
  const start = lines.findIndex((l) => TRACEBACK_START.test(l.text));
  if (start < 0) return undefined;
  const frames: ParsedFrame[] = [];
  let error = '';
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i]!.text;
    const frame = FRAME.exec(text);
    if (frame) {
      if (frames.length < MAX_FRAMES) frames.push({ file: frame[1]!, line: Number(frame[2]), function: (frame[3] ?? '').trim() });
      continue;
    }
    if (text.trim() === '' || CARETS.test(text) || REPEATED.test(text)) continue;
    // An indented line after a frame is its source line; the first line at the margin is the exception.
    if (/^\s/.test(text)) continue;
    error = text.trim().slice(0, MAX_ERROR_CHARS);
    break;
  }
  const stamp = lines[start]!.timestamp;
  return { host: log.host, error, frames, startIndex: start, ...(stamp !== undefined ? { timestamp: stamp } : {}) };
}

/** A host's lines as plain text lines (events split, prefixes kept: the last lines are shown as written). */
export function hostTextLines(log: HostLog): string[] {
  const out: string[] = [];
  for (const line of log.lines) out.push(...line.message.replace(/\r?\n$/, '').split(/\r?\n/));
  return out;
}
