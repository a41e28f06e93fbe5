// The message catalogue: every visible string goes through t(); zh-CN by
// default, English on request (remembered in localStorage).
import zh from './zh-CN.js';
import en from './en.js';

const catalogues = { 'zh-CN': zh, en };
let lang = localStorage.getItem('ecc.lang') || 'zh-CN';
if (!catalogues[lang]) lang = 'zh-CN';
const listeners = new Set();

export function t(key, params = {}) {
  const s = catalogues[lang][key] ?? catalogues['zh-CN'][key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));
}

export function language() { return lang; }

export function setLanguage(next) {
  if (!catalogues[next]) return;
  lang = next;
  localStorage.setItem('ecc.lang', next);
  document.documentElement.lang = next;
  applyTo(document);
  for (const fn of listeners) fn(lang);
}

export function onLanguage(fn) { listeners.add(fn); }

// Fills [data-i18n] text, [data-i18n-placeholder] placeholders and
// [data-i18n-title] tooltips.
export function applyTo(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
    el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.documentElement.lang = lang;
}

// A button that switches between the two languages.
export function bindToggle(button) {
  const label = () => { button.textContent = lang === 'zh-CN' ? 'EN' : '中文'; };
  label();
  button.addEventListener('click', () => { setLanguage(lang === 'zh-CN' ? 'en' : 'zh-CN'); label(); });
}
