import { readFileSync, statSync } from 'fs';
import * as path from 'path';
import type { JobFileContext } from '../core/jobFile/semanticChecks';

const MAX_TEXT_BYTES = 1024 * 1024;

/** The validator's view of this machine's disk, rooted at the job file's folder (CLI, launch, local runs). */
export function jobFileContext(absoluteFile: string, defaultRegion?: string): JobFileContext {
  return {
    baseDir: path.dirname(absoluteFile),
    stat: (p: string) => {
      try {
        return { isDirectory: statSync(p).isDirectory() };
      } catch {
        return undefined;
      }
    },
    // Small files only (the editor validates on every pause in typing); the packer reads the rest.
    readText: (p: string) => {
      try {
        return statSync(p).size <= MAX_TEXT_BYTES ? readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    ...(defaultRegion ? { defaultRegion } : {}),
  };
}
