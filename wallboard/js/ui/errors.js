// A failed request in the page's language: the hub's error code through the
// catalogue (the hub's own English detail goes in the tooltip).
import { t } from '../i18n/index.js';

export function errorText(e) {
  const k = `error.${e.code}`, s = t(k);
  return s === k ? t('error.generic') : s;
}

export function showError(node, e) {
  node.textContent = errorText(e);
  node.title = e.message || '';
  node.className = 'status error';
}
