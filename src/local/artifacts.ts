/**
 * What SageMaker uploads when training ends: `/opt/ml/model` as `output/model.tar.gz` and
 * `/opt/ml/output/data` as `output/output.tar.gz`, gzip-compressed tar files whose entries are
 * relative paths (`config.json`, `checkpoint-500/…`).
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

import { create as createTar } from 'tar';

import { copyTree } from './fileTree';

/**
 * Merges the given folders into `staging`, earlier folders winning on a name clash. SageMaker
 * uploads every instance's model folder to the same place, so files of the same name overwrite
 * each other (the SDK's local mode merges all hosts for the same reason); the usual habit of
 * saving only on the first host makes algo-1's files the ones that count, hence its priority.
 */
export async function mergeFolders(folders: readonly string[], staging: string): Promise<void> {
  await fs.mkdir(staging, { recursive: true });
  for (const folder of [...folders].reverse()) {
    try {
      await fs.access(folder);
    } catch {
      continue;
    }
    await copyTree(folder, staging);
  }
}

/** Writes `archive` (a .tar.gz) with the content of `folder`, entries relative to it. */
export async function packFolder(folder: string, archive: string): Promise<void> {
  await fs.mkdir(path.dirname(archive), { recursive: true });
  const entries = (await fs.readdir(folder)).sort();
  if (entries.length === 0) {
    // An empty tar is two 512-byte zero blocks; tar.create refuses an empty list.
    await fs.writeFile(archive, gzipSync(Buffer.alloc(1024)));
    return;
  }
  await createTar({ gzip: true, cwd: folder, file: archive, portable: true, follow: true }, entries);
}
