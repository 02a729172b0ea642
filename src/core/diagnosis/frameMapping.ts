/**
 * Traceback frames under the container's code folder mapped back to the workspace files they came
 * from. The training toolkit unpacks sourcedir.tar.gz (source_dir, plus each `dependencies` entry
 * under its base name) into /opt/ml/code and runs the entry point from there, so
 * `/opt/ml/code/models/head.py` is `<source_dir>/models/head.py`. A path printed without a folder
 * (`train.py`: Python before 3.9 prints the main script as it was named on the command line) is
 * relative to that working folder. A local run's hosts have their own code folders
 * (`<job folder>/algo-N/opt/ml/code`), which the caller passes as extra code roots.
 *
 * Paths are POSIX; a frame that would leave source_dir (`..`) is never mapped.
 */

/** `a/./b/../c` → `a/c`; leading `..` kept (and then refused by insideFolder). No Node import: the dashboard's page may use this module. */
function normalize(relative: string): string {
  const out: string[] = [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function join(...parts: string[]): string {
  const absolute = parts[0]?.startsWith('/') ?? false;
  const joined = normalize(parts.join('/'));
  return absolute ? `/${joined}` : joined;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export const CONTAINER_CODE_DIR = '/opt/ml/code';

export interface SourceMapping {
  /**
   * Where the job's source_dir is, as the caller wants `local` paths written: relative to the
   * workspace (`src`, `.`) for the CLI's JSON, or absolute. For git_config, the clone's source_dir.
   */
  sourceDir: string;
  /** `dependencies` of the job file, written like sourceDir; each lands in the code folder under its base name. */
  dependencies?: readonly string[];
  /** Folders that hold the code besides /opt/ml/code (a local job's `<folder>/algo-N/opt/ml/code`). */
  codeRoots?: readonly string[];
  /** Whether a mapped path exists; without it every mapped path is taken. */
  exists?: (mappedPath: string) => boolean;
}

/** The path of a frame's file inside the code folder (`models/head.py`), or undefined when it is not there. */
export function pathInCodeDir(file: string, codeRoots: readonly string[] = []): string | undefined {
  const normalized = file.replace(/\\/g, '/');
  if (!normalized.startsWith('/')) {
    if (/^[A-Za-z]:\//.test(normalized)) return inRoots(normalized, codeRoots);
    if (normalized.startsWith('<')) return undefined; // <frozen runpy>, <string>
    return insideFolder(normalize(normalized));
  }
  return inRoots(normalized, [CONTAINER_CODE_DIR, ...codeRoots]);
}

function inRoots(file: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    const base = root.replace(/\\/g, '/').replace(/\/+$/, '');
    if (file.startsWith(`${base}/`)) return insideFolder(normalize(file.slice(base.length + 1)));
  }
  return undefined;
}

function insideFolder(relative: string): string | undefined {
  if (relative === '' || relative === '.' || relative === '..' || relative.startsWith('../') || relative.startsWith('/')) return undefined;
  return relative;
}

/** The workspace file a frame's file came from, or null when it is not the job's code (or the file is not there). */
export function mapFrameFile(file: string, mapping: SourceMapping | undefined): string | null {
  if (!mapping) return null;
  const inCode = pathInCodeDir(file, mapping.codeRoots);
  if (inCode === undefined) return null;
  const candidates: string[] = [];
  const [first, ...rest] = inCode.split('/');
  for (const dependency of mapping.dependencies ?? []) {
    const cleaned = dependency.replace(/\\/g, '/').replace(/\/+$/, '');
    if (basename(cleaned) === first) candidates.push(rest.length === 0 ? cleaned : join(cleaned, ...rest));
  }
  candidates.push(joinSource(mapping.sourceDir, inCode));
  for (const candidate of candidates) {
    if (!mapping.exists || mapping.exists(candidate)) return candidate;
  }
  return null;
}

function joinSource(sourceDir: string, relative: string): string {
  const base = sourceDir.replace(/\\/g, '/');
  if (base === '' || base === '.') return relative;
  return join(base, relative);
}
