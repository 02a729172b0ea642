/**
 * Reading a model folder (what Download Model or `sagemaker-hf extract` leaves): the Trainer's run
 * files, README.md and the job record (`job.json`). One reader with one policy for `sagemaker-hf card`
 * and the Model Card panel:
 *
 * - a run file that is larger than MAX_MODEL_FOLDER_FILE_BYTES, cannot be read, or is not JSON (Python's
 *   rules: NaN and Infinity allowed) is left out, with the reason, and the others are used; each surface
 *   says what was left out (the CLI on stderr, the panel in its notice);
 * - a folder with nothing usable is refused with a ModelFolderError that says why;
 * - `job.json` is looked for in the folder and in its parent (a local job's model folder sits inside
 *   the job's folder); one that is too large, unreadable or not a job record is not used.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../core/format';
import { isRecord } from '../core/isRecord';
import type { JobDescriptionForCard } from '../core/modelCard/modelCardJob';
import { isRunFile, parseRunFile } from '../core/modelCard/runFiles';

export const README = 'README.md';
export const JOB_RECORD = 'job.json';

/** A run file (or README.md, or job.json) larger than this is not a Trainer's output; reading it whole could exhaust memory. */
export const MAX_MODEL_FOLDER_FILE_BYTES = 64 * 1024 * 1024;

export type ModelFolderErrorCode = 'modelCard.folderUnreadable' | 'modelCard.notAModelFolder';

export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';

  constructor(
    readonly code: ModelFolderErrorCode,
    message: string,
    readonly context: { folder: string },
  ) {
    super(message);
  }
}

/** A file the reader left out, and why ("is not valid JSON (…); was the archive extracted completely?"). */
export interface LeftOutFile {
  file: string;
  reason: string;
}

export interface ModelFolderRun {
  folder: string;
  /** Parsed run files by name (`eval_results.json`, `trainer_state.json`, `config.json`, …). */
  files: Record<string, unknown>;
  /** Files left out, each with the reason. */
  unreadable: LeftOutFile[];
  /** Newest modification time of the run files read (ms), 0 when there are none. */
  newestRunFileMs: number;
  readme?: { text: string; mtimeMs: number };
  /** Every name in the folder (files and folders), sorted: what tells whether transformers can load it. */
  fileNames: string[];
  /** Parameters counted from model.safetensors' header, when there is a readable one. */
  weights?: { file: string; parameters: number };
}

export interface ReadModelFolderOptions {
  /** Read README.md too, and accept a folder that has only it (the panel shows it); default true. */
  readme?: boolean;
}

type ReadOutcome = { text: string; mtimeMs: number } | { leftOut: string } | 'absent';

/** A regular file's text, or why it was left out; 'absent' for a name that is not there or not a file. */
async function readCapped(file: string): Promise<ReadOutcome> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : { leftOut: `cannot be read (${code ?? String(err)})` };
  }
  if (!stat.isFile()) return 'absent';
  if (stat.size > MAX_MODEL_FOLDER_FILE_BYTES) {
    return { leftOut: `is larger than ${formatBytes(MAX_MODEL_FOLDER_FILE_BYTES)} (${stat.size} bytes): too large for a file the card reads` };
  }
  try {
    return { text: await fs.readFile(file, 'utf8'), mtimeMs: stat.mtimeMs };
  } catch (err) {
    return { leftOut: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
}

export async function readModelFolder(folder: string, options: ReadModelFolderOptions = {}): Promise<ModelFolderRun> {
  const withReadme = options.readme ?? true;
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ModelFolderError('modelCard.folderUnreadable', `Cannot read the model folder ${folder} (${code}). Download or extract the model again, or pick another folder.`, {
      folder,
    });
  }
  const files: Record<string, unknown> = {};
  const unreadable: LeftOutFile[] = [];
  let newestRunFileMs = 0;
  for (const name of names.filter(isRunFile).sort()) {
    const read = await readCapped(path.join(folder, name));
    if (read === 'absent') continue;
    if ('leftOut' in read) {
      unreadable.push({ file: name, reason: read.leftOut });
      continue;
    }
    try {
      files[name] = parseRunFile(read.text);
      newestRunFileMs = Math.max(newestRunFileMs, read.mtimeMs);
    } catch (err) {
      unreadable.push({ file: name, reason: `is not valid JSON (${err instanceof Error ? err.message : String(err)}); was the archive extracted completely?` });
    }
  }
  let readme: ModelFolderRun['readme'];
  if (withReadme && names.includes(README)) {
    const read = await readCapped(path.join(folder, README));
    if (read !== 'absent' && 'leftOut' in read) unreadable.push({ file: README, reason: read.leftOut });
    else if (read !== 'absent') readme = read;
  }
  if (!readme && Object.keys(files).length === 0) {
    const looked = withReadme ? 'README.md, config.json, *_results.json or trainer_state.json' : 'config.json, *_results.json or trainer_state.json';
    const why = unreadable.length > 0 ? ` (${unreadable.map((u) => `${u.file} ${u.reason}`).join('; ')})` : '';
    throw new ModelFolderError(
      'modelCard.notAModelFolder',
      `${folder} has no model card to make: none of ${looked} could be read${why}. Use the folder a job's model.tar.gz was downloaded or extracted to.`,
      { folder },
    );
  }
  const weights = names.includes(SAFETENSORS) ? await safetensorsParameters(path.join(folder, SAFETENSORS)) : undefined;
  return {
    folder,
    files,
    unreadable,
    newestRunFileMs,
    ...(readme ? { readme } : {}),
    fileNames: [...names].sort(),
    ...(weights !== undefined ? { weights: { file: SAFETENSORS, parameters: weights } } : {}),
  };
}

const SAFETENSORS = 'model.safetensors';
/** A safetensors header larger than this is not one (the format caps it at 100 MB). */
const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * The number of parameters in a safetensors file, from its header alone (u64 little-endian length,
 * then JSON: tensor name → dtype, shape, offsets); undefined when it is not a readable safetensors file.
 */
export async function safetensorsParameters(file: string): Promise<number | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(8);
    if ((await handle.read(head, 0, 8, 0)).bytesRead !== 8) return undefined;
    const length = head.readBigUInt64LE(0);
    if (length === 0n || length > BigInt(Math.min(MAX_SAFETENSORS_HEADER_BYTES, size - 8))) return undefined;
    const json = Buffer.alloc(Number(length));
    if ((await handle.read(json, 0, json.length, 8)).bytesRead !== json.length) return undefined;
    const header = JSON.parse(json.toString('utf8')) as unknown;
    if (!isRecord(header)) return undefined;
    let total = 0;
    for (const [name, tensor] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      if (!isRecord(tensor) || !Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return undefined;
      total += (tensor.shape as number[]).reduce((a, b) => a * b, 1);
    }
    return Number.isSafeInteger(total) ? total : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/**
 * The job record (DescribeTrainingJob's field names, as the local backend writes it) in the folder or,
 * when the folder is a job's model folder, in its parent; undefined when neither has one.
 */
export async function readJobRecord(folder: string): Promise<{ file: string; description: JobDescriptionForCard } | undefined> {
  for (const file of [path.join(folder, JOB_RECORD), path.join(path.dirname(folder), JOB_RECORD)]) {
    const read = await readCapped(file);
    if (read === 'absent' || 'leftOut' in read) continue;
    try {
      const parsed = JSON.parse(read.text) as unknown;
      if (isRecord(parsed) && typeof parsed.TrainingJobName === 'string') return { file, description: parsed as JobDescriptionForCard };
    } catch {
      // Not JSON: some other job.json.
    }
  }
  return undefined;
}
