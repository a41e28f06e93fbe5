// Small helpers shared by the case modules: labels of states and dates.
import { t } from '../i18n/index.js';

export const stateLabel = (s) => t(`cases.state.${s}`);
export const triageLabel = (x) => t(x ? `cases.triage.${x}` : 'cases.triage.none');
export const teamLabel = (team) => team || t('cases.noteam');
// A node's or a closing condition's name from the catalogue, by its code;
// the hub's own (Chinese) name for a code the catalogue does not know.
export function nodeName(code, fallback) {
  const key = `cases.code.${code}`;
  const s = t(key);
  return s === key ? fallback : s;
}
export const caseHref = (id) => `/case.html?id=${encodeURIComponent(id)}`;

// An element with a class and text.
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// A deadline, marked when it is provisional (its year has no calendar yet).
export function dueCell(node) {
  const span = el('span', node.provisional ? 'due provisional' : 'due', node.due);
  if (node.provisional) {
    span.append(el('span', 'prov-tag', t('cases.node.provisional')));
    span.title = t('cases.node.provisional.hint');
  }
  return span;
}
