/**
 * The one way `src/ui` builds DOM: attributes through `setAttribute`, text through text nodes.
 * No HTML strings ever, so names that come from strangers always render as text.
 */

export type AttrValue = string | number | boolean | null | undefined
export type Attrs = Record<string, AttrValue>
export type Child = Node | string | null | undefined | false

/** Creates `<tag>` with attributes (`true` → present, `false`/null/undefined → absent) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) setAttr(node, name, value)
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    node.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return node
}

/** Sets or removes one attribute; inline event handlers (`on…`) are refused. */
export function setAttr(node: Element, name: string, value: AttrValue): void {
  if (/^on/i.test(name)) throw new TypeError(`el(): use addEventListener instead of the "${name}" attribute.`)
  if (value === false || value === null || value === undefined) node.removeAttribute(name)
  else node.setAttribute(name, value === true ? '' : String(value))
}

/** Replaces an element's text only when it changed (keeps selection and avoids needless layout). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text
}

/** Sets an attribute only when its value changed. */
export function updateAttr(node: Element, name: string, value: AttrValue): void {
  const next = value === false || value === null || value === undefined ? null : value === true ? '' : String(value)
  if (node.getAttribute(name) !== next) setAttr(node, name, value)
}
