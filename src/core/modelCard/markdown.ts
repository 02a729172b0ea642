/**
 * Markdown built from untrusted text (metric names, hyperparameters, dataset names, job names).
 *
 * The Hub renders model cards as CommonMark + GFM tables + KaTeX, and passes some HTML through.
 * Anything that came from the user's files is therefore escaped so that it is shown as written:
 * no raw HTML, no links or emphasis it did not ask for, no `$…$` maths, and no way to end a table
 * row or a code block early.
 */

import { isHubRepoId } from '../hubRepoId';

/**
 * Backslash-escapes the characters that have meaning inside a line of Markdown: code spans,
 * emphasis, links and images (`[`), raw HTML and autolinks (`<`), entities (`&`), tables (`|`),
 * strikethrough (`~`), KaTeX (`$`), ATX closing sequences (`#`). Characters that only matter at
 * the start of a line (`-`, `+`, `1.`, `>`) need nothing: escaped text is never placed there. An
 * underscore between two letters or digits cannot open or close emphasis in CommonMark, so
 * `learning_rate` stays readable in the README's source.
 */
export function escapeMarkdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|~&$#]/g, (c, offset: number, whole: string) =>
    c === '_' && /[\p{L}\p{N}]/u.test(whole[offset - 1] ?? '') && /[\p{L}\p{N}]/u.test(whole[offset + 1] ?? '') ? c : `\\${c}`,
  );
}

/**
 * A GFM table cell: the inline escapes plus the pipe, which would otherwise start a new column
 * (GFM honours `\|` even inside code spans), and no line breaks, which would end the row.
 */
export function escapeTableCell(text: string): string {
  const escaped = escapeMarkdownText(text);
  return escaped === '' ? ' ' : escaped;
}

/** Line breaks (every kind CommonMark or a browser might honour) become spaces. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/\r\n|[\r\n\u0085\u2028\u2029\v\f]/g, ' ').replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '');
}

/**
 * A table whose header and cells are already escaped (or are our own constant text). Rows shorter
 * than the header are padded so GFM does not drop cells.
 */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: ReadonlyArray<'left' | 'right'> = []): string {
  const sep = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${header.map((_, i) => cells[i] ?? ' ').join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

/**
 * A fenced code block that its content cannot close: the fence is one backtick longer than the
 * longest run of backticks inside (CommonMark closes a fence only with a run at least as long).
 */
export function codeBlock(language: string, code: string): string {
  const longest = Math.max(0, ...Array.from(code.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code.replace(/\n$/, '')}\n${fence}`;
}

/** A Markdown link to a Hub page, only for ids that cannot smuggle anything into the URL or the text. */
export function hubLink(id: string, kind: 'model' | 'dataset'): string {
  if (!isHubRepoId(id, { namespace: 'optional' })) return escapeMarkdownText(id);
  const url = kind === 'model' ? `https://huggingface.co/${id}` : `https://huggingface.co/datasets/${id}`;
  return `[${escapeMarkdownText(id)}](${url})`;
}

/** A name the card cannot vouch for as a Hub page: quoted and escaped, never a link. */
export function quotedName(text: string): string {
  return `"${escapeMarkdownText(text)}"`;
}
