/** Messages between Push to Hub and its sha256 worker (fileHashWorker.ts); types only. */

export interface FileHashRequest {
  id: number;
  filePath: string;
}

export interface FileHashStamp {
  size: number;
  mtimeNs: string;
  ctimeNs: string;
}

export type FileHashAnswer =
  | { type: 'progress'; id: number; bytes: number }
  /** `before` and `after`: the file's stamp before the first read and after the last. */
  | { type: 'done'; id: number; sha256: string; bytes: number; before: FileHashStamp; after: FileHashStamp }
  | { type: 'error'; id: number; code: string; message: string };
