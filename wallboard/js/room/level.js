// The sound level of a MediaStream (a participant's tile), from a WebAudio
// analyser: the speaker highlight picks the loudest tile above the floor.
// One AudioContext for the page; resumed on the first user gesture where
// the browser holds it suspended.
let ctx = null;

function audio() {
  if (!ctx) {
    ctx = new AudioContext();
    const resume = () => ctx.resume().catch(() => {});
    document.addEventListener('click', resume, { once: true });
    resume();
  }
  return ctx;
}

export class LevelMeter {
  constructor(stream) {
    const a = audio();
    this.source = a.createMediaStreamSource(stream);
    this.analyser = a.createAnalyser();
    this.analyser.fftSize = 1024;
    this.buf = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
  }

  // The loudest sample of the last ~20 ms, 0..1.
  level() {
    this.analyser.getFloatTimeDomainData(this.buf);
    let max = 0;
    for (const v of this.buf) max = Math.max(max, Math.abs(v));
    return max;
  }

  close() { this.source.disconnect(); }
}
