// Dragging a unit (from the list or a map marker) onto a video-wall tile,
// with the pointer: a label follows it, the tile under it lights up, and a
// release over a tile hands the unit to onDrop(tileIndex, unit). A press
// that does not move is an ordinary click.
export class UnitDrag {
  constructor({ tileAt, onDrop, label }) {
    this.tileAt = tileAt;
    this.onDrop = onDrop;
    this.label = label;
    this.ghost = document.createElement('div');
    this.ghost.className = 'drag-ghost';
    this.ghost.hidden = true;
    document.body.append(this.ghost);
  }

  // Starts watching a press on a unit; before(): called once it really
  // drags (the map stops panning), after(): when it ends.
  start(ev, unit, { before = () => {}, after = () => {} } = {}) {
    if (ev.button !== 0) return;
    const x0 = ev.clientX, y0 = ev.clientY;
    let dragging = false, over = null;
    const move = (e) => {
      if (!dragging) {
        if (Math.hypot(e.clientX - x0, e.clientY - y0) < 6) return;
        dragging = true;
        before();
        this.ghost.textContent = this.label(unit);
        this.ghost.hidden = false;
        document.body.classList.add('dragging');
      }
      this.ghost.style.transform = `translate(${e.clientX + 12}px, ${e.clientY + 12}px)`;
      const i = this.tileAt(e.clientX, e.clientY);
      const box = i >= 0 ? document.querySelectorAll('.wall-tile')[i] : null;
      if (box !== over) { over?.classList.remove('drop-target'); box?.classList.add('drop-target'); over = box; }
    };
    const up = (e) => {
      removeEventListener('pointermove', move, true);
      removeEventListener('pointerup', up, true);
      if (!dragging) return;
      over?.classList.remove('drop-target');
      this.ghost.hidden = true;
      document.body.classList.remove('dragging');
      after();
      const i = this.tileAt(e.clientX, e.clientY);
      if (i >= 0) this.onDrop(i, unit);
      // The release is not a click on what lies under it.
      const swallow = (c) => c.stopPropagation();
      addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => removeEventListener('click', swallow, { capture: true }), 0);
    };
    addEventListener('pointermove', move, true);
    addEventListener('pointerup', up, true);
  }
}
