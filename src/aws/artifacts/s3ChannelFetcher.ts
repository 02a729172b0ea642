/**
 * S3 input channels for local runs: every object under the channel's prefix, written at its key
 * relative to the prefix, as SageMaker's File mode fills /opt/ml/input/data/<channel>.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChannelFetcher, ChannelFetchRequest } from '../../core/contract/channelFetcher';

export class S3ChannelFetcher implements ChannelFetcher {
  constructor(private readonly s3: () => S3Client) {}

  async fetchChannel(request: ChannelFetchRequest): Promise<void> {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(request.uri);
    if (!m) throw new Error(`Channel ${request.channel}: ${request.uri} is not an S3 URI.`);
    const [, bucket, prefix] = m as unknown as [string, string, string];
    const destination = path.resolve(request.destination);
    const s3 = this.s3();
    let token: string | undefined;
    let files = 0;
    let bytes = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: request.signal });
      for (const obj of page.Contents ?? []) {
        const key = obj.Key!;
        // S3Prefix matches by string prefix: `data/train` also takes `data/train-extra/x`, as SageMaker does.
        const rel = key.slice(prefix.length).replace(/^\/+/, '') || path.posix.basename(key);
        if (rel.endsWith('/')) continue;
        const dest = path.resolve(destination, rel);
        if (!dest.startsWith(destination + path.sep)) throw new Error(`Channel ${request.channel}: the object ${key} would be written outside the channel folder; refused.`);
        await fs.mkdir(path.dirname(dest), { recursive: true });
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: request.signal });
        await pipeline(res.Body as Readable, (await fs.open(dest, 'w')).createWriteStream(), { signal: request.signal });
        files++;
        bytes += obj.Size ?? 0;
        request.onProgress?.({ files, bytes });
      }
      token = page.NextContinuationToken;
    } while (token);
    if (files === 0) throw new Error(`Channel ${request.channel}: no objects under ${request.uri}.`);
  }
}
