// Raw HTML found inside the README's Markdown, made inert before any browser parser sees it. No DOM here,
// so plain node tests cover it.

/** Raw HTML tags kept (as bare tags, attributes dropped) because model cards use them for layout. */
const KEPT_TAGS =
  'details|summary|sub|sup|br|b|i|em|strong|u|s|del|ins|mark|small|kbd|code|pre|p|div|span|center|blockquote|ul|ol|li|dl|dt|dd|hr|h[1-6]|table|thead|tbody|tfoot|tr|th|td|caption';
const KEPT_TAG = new RegExp(`&lt;(/?)(${KEPT_TAGS})(?:\\s(?:(?!&gt;)[^])*?)?/?&gt;`, 'gi');
/** `<a href="http(s)://…">` exactly, and `</a>`. */
const HTTP_LINK = /&lt;a\s+href=&quot;(https?:\/\/(?:(?!&quot;)[^\s<>])+)&quot;\s*&gt;|&lt;\/a\s*&gt;/gi;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The HTML as text, except the kept formatting tags (rebuilt without attributes, so no handler, style or
 * URL survives) and plain http(s) links. Everything else, `<script>`, `<img onerror>`, `<iframe>`,
 * `<style>`, `<base>`, comments, shows as the text it is.
 */
export function inertRawHtml(raw: string): string {
  return raw
    .replace(/[&<>"']/g, (c) => ENTITY[c] ?? c)
    .replace(KEPT_TAG, (_m, slash: string, tag: string) => `<${slash}${tag.toLowerCase()}>`)
    .replace(HTTP_LINK, (_m, url: string | undefined) => (url ? `<a href="${url}">` : '</a>'));
}
