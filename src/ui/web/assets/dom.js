// DOM helpers. Task text is always set with textContent, never parsed as HTML.

/**
 * el('p', { className: 'x', attrs: { id: 'y' }, text: 'hello', on: { click } }, ...children)
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

/** Sets text only when it changed, so screen readers and selections are not disturbed. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Keyed update of a container's children: existing elements are updated in place (a form being
 * typed into keeps its text and focus), new ones created, missing ones removed.
 */
export function reconcile(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of Array.from(container.children)) existing.set(child.dataset.key, child);
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
