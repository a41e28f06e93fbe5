// The chime for a new high or critical alert, synthesised with WebAudio (no
// sound file to ship). Browsers start audio only after a user gesture: the
// first click or key on the page unlocks it; before that, the chime is
// counted but silent.
export class Chime {
  constructor() {
    this.played = 0;
    this.ctx = null;
    const unlock = () => {
      try { this.ctx ??= new AudioContext(); this.ctx.resume(); } catch { /* no audio device */ }
    };
    addEventListener('pointerdown', unlock, { once: true });
    addEventListener('keydown', unlock, { once: true });
  }

  // Two tones, higher for critical.
  play(severity) {
    this.played++;
    if (!this.ctx || this.ctx.state !== 'running') return;
    const now = this.ctx.currentTime, base = severity === 'critical' ? 880 : 660;
    for (const [i, f] of [base, base * 1.25].entries()) {
      const o = this.ctx.createOscillator(), g = this.ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, now + i * 0.25);
      g.gain.exponentialRampToValueAtTime(0.3, now + i * 0.25 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.25 + 0.22);
      o.connect(g).connect(this.ctx.destination);
      o.start(now + i * 0.25);
      o.stop(now + i * 0.25 + 0.25);
    }
  }
}
