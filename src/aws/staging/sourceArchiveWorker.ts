/**
 * The source archive's worker thread: lists the source and writes its tar stream with blocking
 * calls (see tarWriter.ts for why), handing the stream to the main thread in 1 MiB blocks that
 * the main thread compresses on the thread pool. The extension host's event loop never waits on
 * the disk.
 *
 * Its own bundle (dist/sourceArchiveWorker.js, beside dist/extension.js and dist/cli.js; tsc puts
 * it beside sourceArchive.js in out/): node builtins and the listing and tar code only, no SDK.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { ArchiveMessage, ArchiveTask } from './sourceArchiveProtocol';
import { BLOCKS_IN_FLIGHT, MAX_BLOCKS_IN_FLIGHT, STATE, STATE_PACK, STATE_WAITING, toThreadError } from './sourceArchiveProtocol';
import { listSourceEntries } from './sourceListing';
import { writeTar } from './tarWriter';
import type { TarEntrySource } from './tarWriter';

function run(task: ArchiveTask, port: MessagePort): void {
  const post = (message: ArchiveMessage, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
  const { control } = task;
  try {
    let entries: readonly TarEntrySource[];
    if (task.kind === 'list') {
      const contents = listSourceEntries(task.source);
      post({ type: 'contents', contents });
      if (!task.thenPack) {
        post({ type: 'end' });
        return;
      }
      // The caller looks at the listing first (and may stop here).
      while (Atomics.load(control, STATE) === STATE_WAITING) Atomics.wait(control, STATE, STATE_WAITING);
      if (Atomics.load(control, STATE) !== STATE_PACK) {
        post({ type: 'end' });
        return;
      }
      entries = contents.entries;
    } else {
      entries = task.entries;
    }
    writeTar(entries, task.mtimeSeconds, (block, length) => {
      for (let n = Atomics.load(control, BLOCKS_IN_FLIGHT); n >= MAX_BLOCKS_IN_FLIGHT; n = Atomics.load(control, BLOCKS_IN_FLIGHT)) {
        Atomics.wait(control, BLOCKS_IN_FLIGHT, n);
      }
      Atomics.add(control, BLOCKS_IN_FLIGHT, 1);
      // Transferred, not copied: the block is the writer's no more.
      post({ type: 'block', bytes: new Uint8Array(block.buffer, block.byteOffset, length) }, [block.buffer as ArrayBuffer]);
    });
    post({ type: 'end' });
  } catch (err) {
    post({ type: 'error', error: toThreadError(err) });
  }
}

// Loaded as a module on the main thread (a test importing everything, say), it does nothing.
if (parentPort) run(workerData as ArchiveTask, parentPort);
