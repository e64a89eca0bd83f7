// @ts-check
// DOM helpers. Task text is always set with textContent, never parsed as HTML.

/**
 * @typedef {object} ElementProps
 * @property {string} [className]
 * @property {string} [text]
 * @property {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @property {Record<string, (event: any) => void>} [on]
 */

/**
 * el('p', { className: 'x', attrs: { id: 'y' }, text: 'hello', on: { click } }, ...children)
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {ElementProps} props
 * @param {(Node | string | null | undefined | false)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === undefined || value === null) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, handler] of Object.entries(props.on ?? {}))
    node.addEventListener(name, handler);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * Sets text only when it changed, so screen readers and selections are not disturbed.
 * @param {Node} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Keyed update of a container's children: existing elements are updated in place (a form being
 * typed into keeps its text and focus), new ones created, missing ones removed.
 * @template T
 * @template {HTMLElement} N
 * @param {HTMLElement} container
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => N} create
 * @param {(node: N, item: T) => void} update
 */
export function reconcile(container, items, keyOf, create, update) {
  /** @type {Map<string | undefined, N>} */
  const existing = new Map();
  for (const child of Array.from(container.children))
    existing.set(/** @type {N} */ (child).dataset.key, /** @type {N} */ (child));
  items.forEach((item, index) => {
    const key = keyOf(item);
    let node = existing.get(key);
    existing.delete(key);
    if (!node) {
      node = create(item);
      node.dataset.key = key;
    }
    update(node, item);
    const at = container.children[index];
    if (at !== node) container.insertBefore(node, at ?? null);
  });
  for (const node of existing.values()) node.remove();
}

/**
 * An element of index.html, which has them all.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}
