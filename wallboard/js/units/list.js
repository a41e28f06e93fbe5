// The unit list beside the map: search, filters (kind, team, state), a
// state dot, kind and team; a click selects the unit on the map too, a drag
// puts it on a wall tile. The same filter decides which markers the map
// draws. Rebuilt at most once per animation frame.
import { t } from '../i18n/index.js';
import { STATES } from './store.js';

const KINDS = ['bodycam', 'handheld', 'vehicle', 'drone'];

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

export class UnitList {
  // filters: {kind, team, state} <select> elements (optional).
  constructor(root, search, store, onSelect, filters = {}) {
    this.root = root;
    this.store = store;
    this.onSelect = onSelect;
    this.filters = filters;
    this.filter = '';
    this.want = { kind: '', team: '', state: '' };
    this.selected = null;
    this.pending = false;
    this.listeners = new Set();
    this.onDragStart = null;
    search.addEventListener('input', () => { this.filter = search.value.trim().toLowerCase(); this.changed(); });
    for (const k of ['kind', 'team', 'state']) {
      filters[k]?.addEventListener('change', () => { this.want[k] = filters[k].value; this.changed(); });
    }
    store.onChange((kind) => { if (kind !== 'positions') this.render(); });
    this.fillFilters();
  }

  // Called when the filter changes (the map redraws).
  onFilter(fn) { this.listeners.add(fn); }
  changed() { this.render(); for (const fn of this.listeners) fn(); }

  matches(u) {
    const f = this.filter;
    if (f && !`${u.id} ${u.name} ${u.team}`.toLowerCase().includes(f)) return false;
    if (this.want.kind && u.kind !== this.want.kind) return false;
    if (this.want.team && u.team !== this.want.team) return false;
    if (this.want.state && this.store.stateOf(u) !== this.want.state) return false;
    return true;
  }

  fillFilters() {
    const fill = (sel, values, label, all) => {
      if (!sel) return;
      const cur = sel.value;
      sel.replaceChildren(option('', t(all)), ...values.map((v) => option(v, label(v))));
      sel.value = values.includes(cur) ? cur : '';
    };
    fill(this.filters.kind, KINDS, (k) => t(`kind.${k}`), 'filter.kind_all');
    fill(this.filters.team, this.store.teams(), (x) => x, 'filter.team_all');
    fill(this.filters.state, STATES, (s) => t(`state.${s}`), 'filter.state_all');
  }

  select(id) { this.selected = id; this.render(); }

  render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    if (this.filters.team && this.filters.team.options.length !== this.store.teams().length + 1) this.fillFilters();
    const rows = [...this.store.units.values()]
      .filter((u) => this.matches(u))
      .sort((a, b) => (b.online - a.online) || a.id.localeCompare(b.id));
    this.root.replaceChildren(...rows.map((u) => {
      const li = document.createElement('li');
      li.dataset.unit = u.id;
      const state = this.store.stateOf(u);
      li.dataset.state = state;
      if (u.id === this.selected) li.classList.add('selected');
      const dot = document.createElement('span');
      dot.className = `dot ${state}`;
      dot.title = t(`state.${state}`);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = u.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${t(`kind.${u.kind}`)}${u.team ? ` · ${u.team}` : ''}`;
      li.append(dot, name, meta);
      li.addEventListener('click', () => this.onSelect(u.id));
      li.addEventListener('pointerdown', (ev) => this.onDragStart?.(ev, u.id));
      return li;
    }));
    if (this.selected) this.root.querySelector('li.selected')?.scrollIntoView({ block: 'nearest' });
  }
}
