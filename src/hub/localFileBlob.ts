// A Blob over a byte range of a file on disk, read only when asked and in large pieces. The hub client
// hashes and uploads whatever Blob it is given; handing it this one (instead of a file URL, which it turns
// into its own FileBlob) keeps memory flat and lets our upload fetch recognise a file it can stream.

import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * 1 MiB per read. sha256 over 64 KiB reads (node's file-stream default, and the hub client's FileBlob) spends
 * more CPU per byte in stream bookkeeping; larger reads hash no faster and only hold more memory, once for
 * every file the client hashes or uploads at the same time (up to five).
 */
export const FILE_READ_CHUNK = 1024 * 1024;

export class LocalFileBlob extends Blob {
  /** A Blob of the whole file, `size` bytes as listed (the caller has stat'ed it). */
  static ofFile(filePath: string, size: number): LocalFileBlob {
    return new LocalFileBlob(filePath, 0, size);
  }

  private constructor(
    readonly filePath: string,
    /** First byte of the range in the file. */
    readonly start: number,
    /** One past the last byte. */
    readonly end: number,
  ) {
    super([]);
  }

  // @ts-expect-error Blob's typings declare `size` a property; at run time it is an accessor over native
  // state this subclass leaves empty, so the range must supply it.
  override get size(): number {
    return this.end - this.start;
  }

  /** Same clamping as Blob.slice: negative positions count from the end. */
  override slice(start?: number, end?: number): LocalFileBlob {
    const at = (position: number | undefined, fallback: number) => {
      if (position === undefined || Number.isNaN(position)) return fallback;
      const p = Math.trunc(position);
      return p < 0 ? Math.max(this.size + p, 0) : Math.min(p, this.size);
    };
    const from = at(start, 0);
    const to = Math.max(at(end, this.size), from);
    return new LocalFileBlob(this.filePath, this.start + from, this.start + to);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer as ArrayBuffer;
  }

  /** The range in one buffer of exactly its size (node 22's Blob has bytes(); ours must not fall back to the empty native one). */
  override async bytes(): Promise<Uint8Array> {
    const bytes = new Uint8Array(this.size);
    if (bytes.length === 0) return bytes;
    const file = await open(this.filePath, 'r');
    try {
      await readFully(file, bytes, this.start, this.filePath);
    } finally {
      await file.close();
    }
    return bytes;
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /**
   * The range in chunks of FILE_READ_CHUNK, one read ahead of the consumer. The file is opened on the first
   * read and closed at the end, on cancel and on error, so a stream nobody reads holds no descriptor.
   */
  override stream(): ReadableStream<Uint8Array> {
    let file: FileHandle | undefined;
    let position = this.start;
    const close = async () => {
      const f = file;
      file = undefined;
      await f?.close();
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            const length = Math.min(FILE_READ_CHUNK, this.end - position);
            if (length <= 0) {
              await close();
              controller.close();
              return;
            }
            file ??= await open(this.filePath, 'r');
            // A fresh buffer per chunk: consumers (a socket write, the hash) may still hold the previous one.
            const chunk = Buffer.allocUnsafeSlow(length);
            await readFully(file, chunk, position, this.filePath);
            position += length;
            controller.enqueue(chunk);
          } catch (err) {
            await close().catch(() => undefined);
            controller.error(err);
          }
        },
        cancel: close,
      },
      { highWaterMark: 1 },
    );
  }
}

export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
  readonly code = 'FILE_CHANGED';

  constructor(
    readonly filePath: string,
    how: 'shorter' | 'changed' = 'shorter',
  ) {
    super(`${filePath} ${how === 'shorter' ? 'became shorter' : 'changed'} while it was being read: do not change the model folder while it is pushed.`);
  }
}

async function readFully(file: FileHandle, into: Uint8Array, position: number, filePath: string): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new FileChangedError(filePath);
    done += bytesRead;
  }
}
