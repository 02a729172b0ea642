// Building the page without innerHTML: every piece of text from the card, the run or the Hub goes in as
// a text node. The only HTML the page ever parses is the README, and only through cardMarkdown.ts.

type Child = Node | string | undefined | false;

export interface ElementProps {
  className?: string;
  /** Stable handle for the end-to-end tests. */
  testId?: string;
  attrs?: Record<string, string>;
  hidden?: boolean;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.testId) el.dataset.testid = props.testId;
  if (props.hidden) el.hidden = true;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A button that runs `onClick`; type=button so no form ever submits. */
export function button(label: string, onClick: () => void, props: ElementProps & { secondary?: boolean } = {}): HTMLButtonElement {
  const b = h('button', { ...props, className: [props.className, props.secondary ? 'secondary' : ''].filter(Boolean).join(' ') }, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A link only for http(s) URLs (VS Code opens them in the browser); anything else is shown as text. */
export function externalLink(url: string, text: string, testId?: string): HTMLElement {
  if (!/^https?:\/\//i.test(url)) return h('span', testId ? { testId } : {}, text);
  return h('a', { ...(testId ? { testId } : {}), attrs: { href: url, title: url } }, text);
}
