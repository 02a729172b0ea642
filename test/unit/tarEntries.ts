import { list as listTar } from 'tar';

/** Every entry of a (gzipped) tar file, by path, with its content as UTF-8 text. */
export async function tarEntries(file: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  await listTar({
    file,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => entries.set(entry.path, Buffer.concat(chunks).toString('utf8')));
    },
  });
  return entries;
}
