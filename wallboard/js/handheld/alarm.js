// A new instruction is heard and felt: a WebAudio beep (no sound file to
// fetch) and a vibration where the phone has one.
let ctx = null;

// Browsers start audio only after a gesture: the first tap unlocks it.
export function unlockAudio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!ctx && AC) ctx = new AC();
  ctx?.resume?.();
}

export const alarm = {
  beeps: 0,
  ring() {
    this.beeps++;
    navigator.vibrate?.([300, 150, 300]);
    if (!ctx) return;
    const t0 = ctx.currentTime;
    for (let i = 0; i < 2; i++) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.0001, t0 + i * 0.3);
      g.gain.exponentialRampToValueAtTime(0.4, t0 + i * 0.3 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.3 + 0.22);
      o.connect(g).connect(ctx.destination);
      o.start(t0 + i * 0.3);
      o.stop(t0 + i * 0.3 + 0.25);
    }
  },
};
