// A modal dialog (<dialog>) with a title, a body the caller fills, and a
// close button; one at a time. Returns the dialog element.
import { t } from '../i18n/index.js';

export function openDialog(id, title, build) {
  document.getElementById(id)?.remove();
  const d = document.createElement('dialog');
  d.id = id;
  d.className = 'wall-dialog';
  const h = document.createElement('h3');
  h.textContent = title;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'ghost close';
  close.textContent = t('dialog.close');
  close.onclick = () => d.close();
  d.addEventListener('close', () => d.remove());
  const body = document.createElement('div');
  body.className = 'body';
  d.append(close, h, body);
  document.body.append(d);
  build(body, d);
  d.showModal();
  return d;
}

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}
