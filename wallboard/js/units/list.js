// The unit list beside the map: search, state dot, kind and team; a click
// selects the unit on the map too. Rebuilt at most once per animation frame.
import { t } from '../i18n/index.js';

export class UnitList {
  constructor(root, search, store, onSelect) {
    this.root = root;
    this.store = store;
    this.onSelect = onSelect;
    this.filter = '';
    this.selected = null;
    this.pending = false;
    search.addEventListener('input', () => { this.filter = search.value.trim().toLowerCase(); this.render(); });
    store.onChange((kind) => { if (kind !== 'positions') this.render(); });
  }

  select(id) { this.selected = id; this.render(); }

  render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    const f = this.filter;
    const rows = [...this.store.units.values()]
      .filter((u) => !f || `${u.id} ${u.name} ${u.team}`.toLowerCase().includes(f))
      .sort((a, b) => (b.online - a.online) || a.id.localeCompare(b.id));
    this.root.replaceChildren(...rows.map((u) => {
      const li = document.createElement('li');
      li.dataset.unit = u.id;
      if (u.id === this.selected) li.classList.add('selected');
      const dot = document.createElement('span');
      dot.className = `dot ${this.store.alerting(u.id) ? 'alerting' : u.online ? 'online' : ''}`;
      const name = document.createElement('span');
      name.textContent = u.name;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${t(`kind.${u.kind}`)}${u.team ? ` · ${u.team}` : ''}`;
      li.append(dot, name, meta);
      li.addEventListener('click', () => this.onSelect(u.id));
      return li;
    }));
  }
}
