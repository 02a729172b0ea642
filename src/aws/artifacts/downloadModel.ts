/**
 * "Download Model": a completed job's artifacts from S3 into a folder, streamed — GetObject's body
 * goes through gunzip into the safe tar extractor, with no temporary copy and bounded memory —
 * or, for jobs written with CompressionType NONE, every object under the job's model prefix.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { extractTarGz } from '../../artifacts/extractArchive';
import type { ExtractResult } from '../../artifacts/extractArchive';
import { ArchiveError } from '../../artifacts/archiveError';
import { describeTrainingJob } from '../trainingJobs';
import type { SageMakerClients } from '../trainingJobs';

export interface DownloadClients extends SageMakerClients {
  s3(): S3Client;
}

export interface DownloadProgress {
  /** Bytes read from S3 so far. */
  bytes: number;
  /** Size of what is downloaded, when S3 told us. */
  total?: number;
  /** Bytes per second since the start. */
  rate: number;
  /** The file being written. */
  entry?: string;
}

export interface DownloadOptions {
  clients: DownloadClients;
  jobName: string;
  /** The folder the model goes into; refused when it exists and is not empty, unless `overwrite`. */
  targetDir: string;
  overwrite?: boolean;
  /** Also extract output.tar.gz (the job's output/data) into `<targetDir>/output`. */
  includeOutput?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export interface DownloadResult {
  targetDir: string;
  source: string;
  files: number;
  bytes: number;
  compressed: boolean;
}

export class DownloadError extends Error {
  constructor(
    readonly code: 'download.notCompleted' | 'download.noArtifacts' | 'download.s3' | 'cancelled',
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new DownloadError('download.noArtifacts', `Not an S3 URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]! };
}

export async function downloadModel(o: DownloadOptions): Promise<DownloadResult> {
  const d = await describeTrainingJob(o.clients, o.jobName, o.signal);
  const status = d.TrainingJobStatus ?? 'Unknown';
  const artifacts = d.ModelArtifacts?.S3ModelArtifacts;
  if (!artifacts) {
    const why =
      status === 'Completed' ? 'SageMaker recorded no model artifacts for it' : `it is ${status}${status === 'InProgress' ? '; the model is uploaded when training ends' : ''}`;
    throw new DownloadError(status === 'Completed' ? 'download.noArtifacts' : 'download.notCompleted', `The model of ${o.jobName} cannot be downloaded: ${why}.`, {
      jobName: o.jobName,
      status,
    });
  }
  const compressed = d.OutputDataConfig?.CompressionType !== 'NONE' && artifacts.endsWith('.tar.gz');
  const result = compressed ? await extractObject(o, artifacts, o.targetDir) : await copyPrefix(o, artifacts);
  if (o.includeOutput && compressed) {
    const output = artifacts.replace(/model\.tar\.gz$/, 'output.tar.gz');
    await extractObject({ ...o, overwrite: true }, output, path.join(o.targetDir, 'output')).catch((err: unknown) => {
      // output.tar.gz only exists when the script wrote to /opt/ml/output/data: its absence is not an error.
      if (!(err instanceof DownloadError && err.code === 'download.noArtifacts')) throw err;
    });
  }
  return result;
}

async function extractObject(o: DownloadOptions, uri: string, targetDir: string): Promise<DownloadResult> {
  const { bucket, key } = parseS3Uri(uri);
  let body: Readable;
  let total: number | undefined;
  try {
    const res = await o.clients.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }), o.signal ? { abortSignal: o.signal } : {});
    body = res.Body as Readable;
    total = res.ContentLength;
  } catch (err) {
    throw s3Error(err, uri, o.signal);
  }
  const started = Date.now();
  let extracted: ExtractResult;
  try {
    extracted = await extractTarGz(body, targetDir, {
      // Each file's sha256 computed on the way to the disk, so Push to Hub sends it without reading it first.
      recordHashes: true,
      ...(o.overwrite ? { overwrite: true } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (p) =>
        o.onProgress?.({
          bytes: p.bytesIn,
          ...(total !== undefined ? { total } : {}),
          rate: p.bytesIn / Math.max(0.001, (Date.now() - started) / 1000),
          ...(p.entry ? { entry: p.entry } : {}),
        }),
    });
  } catch (err) {
    body.destroy();
    if (err instanceof ArchiveError && err.code === 'aborted') throw new DownloadError('cancelled', 'Download cancelled; nothing was written.');
    throw err;
  }
  return { targetDir: extracted.targetDir, source: uri, files: extracted.files, bytes: extracted.bytesIn, compressed: true };
}

/** CompressionType NONE: the model is the objects under `<output>/<job>/output/model/`. */
async function copyPrefix(o: DownloadOptions, uri: string): Promise<DownloadResult> {
  const { bucket, key } = parseS3Uri(uri);
  const prefix = key.endsWith('/') ? key : `${key}/`;
  const target = path.resolve(o.targetDir);
  const entries = await fs.readdir(target).catch(() => [] as string[]);
  if (entries.length > 0 && !o.overwrite) throw new ArchiveError('target-exists', `${target} is not empty; choose another folder or allow overwriting.`);
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
  await fs.mkdir(staging, { recursive: true });
  const s3 = o.clients.s3();
  let files = 0;
  let bytes = 0;
  const started = Date.now();
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
        o.signal ? { abortSignal: o.signal } : {},
      );
      for (const obj of page.Contents ?? []) {
        const rel = obj.Key!.slice(prefix.length);
        if (!rel || rel.endsWith('/')) continue;
        const dest = path.resolve(staging, rel);
        // An object key is a path chosen by whoever wrote the bucket: never let it leave the folder.
        if (!dest.startsWith(staging + path.sep)) throw new ArchiveError('path-traversal', `The object ${obj.Key} would be written outside ${target}; refused.`);
        await fs.mkdir(path.dirname(dest), { recursive: true });
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key! }), o.signal ? { abortSignal: o.signal } : {});
        await pipeline(res.Body as Readable, (await fs.open(dest, 'wx')).createWriteStream(), o.signal ? { signal: o.signal } : {});
        files++;
        bytes += obj.Size ?? 0;
        o.onProgress?.({ bytes, rate: bytes / Math.max(0.001, (Date.now() - started) / 1000), entry: rel });
      }
      token = page.NextContinuationToken;
    } while (token);
    if (files === 0) throw new DownloadError('download.noArtifacts', `No objects under ${uri}.`);
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(staging, target);
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    if (o.signal?.aborted) throw new DownloadError('cancelled', 'Download cancelled; nothing was written.');
    throw err instanceof DownloadError || err instanceof ArchiveError ? err : s3Error(err, uri, o.signal);
  }
  return { targetDir: target, source: uri, files, bytes, compressed: false };
}

function s3Error(err: unknown, uri: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new DownloadError('cancelled', 'Download cancelled; nothing was written.');
  const name = (err as { name?: string }).name ?? 'Error';
  const message = (err as Error).message ?? String(err);
  if (name === 'NoSuchKey') return new DownloadError('download.noArtifacts', `${uri} does not exist (was the model deleted?).`, { uri });
  if (name === 'AccessDenied' || name === 'Forbidden')
    return new DownloadError('download.s3', `S3 refused to read ${uri} (AccessDenied): your credentials need s3:GetObject on it.`, { uri });
  return new DownloadError('download.s3', `Reading ${uri} failed: ${name}: ${message}`, { uri });
}
