// The handheld page's body camera ("开始执法记录"): one button starts and
// stops publishing the phone's camera and microphone (media/publisher.js);
// the page shows the preview, the state (connecting, recording,
// reconnecting, stopped) and why it could not start. The gateway records
// it as the officer's unit's stream; the wall sees it live and may talk
// back (the voice plays through the publisher).
import { Publisher } from '../media/publisher.js';
import { t } from '../i18n/index.js';

export class CameraControl {
  // els: {button, state, preview, error}
  constructor(els) {
    this.els = els;
    this.pub = null;
    this.stateKey = 'publish.state.stopped';
    this.errorKey = '';
    els.button.disabled = false;
    els.button.addEventListener('click', () => (this.pub ? this.stop() : this.start()));
    this.render();
  }

  async start() {
    const pub = new Publisher();
    this.pub = pub;
    this.errorKey = '';
    pub.addEventListener('state', (e) => {
      if (pub !== this.pub) return;
      this.stateKey = `publish.state.${e.detail.state}`;
      if (e.detail.state === 'stopped') this.pub = null;
      this.render();
    });
    pub.addEventListener('error', (e) => {
      const code = e.detail.code;
      this.errorKey = code === 'camera' ? 'publish.camera_denied'
        : code === 'forbidden' || code === 'not_found' ? 'publish.refused' : '';
      this.render();
    });
    this.render();
    await pub.start();
    if (pub === this.pub && pub.media) {
      this.els.preview.srcObject = pub.media;
      this.els.preview.hidden = false;
      this.els.preview.play().catch(() => {});
    }
  }

  stop() {
    const pub = this.pub;
    this.pub = null;
    this.stateKey = 'publish.state.stopped';
    if (pub) pub.stop();
    this.els.preview.srcObject = null;
    this.els.preview.hidden = true;
    this.render();
  }

  render() {
    const { button, state, error } = this.els;
    button.dataset.i18n = this.pub ? 'publish.stop' : 'publish.start';
    button.textContent = t(button.dataset.i18n);
    button.classList.toggle('recording', !!this.pub);
    state.dataset.i18n = this.stateKey;
    state.textContent = t(this.stateKey);
    state.dataset.state = this.stateKey.split('.').pop();
    error.textContent = this.errorKey ? t(this.errorKey) : '';
  }
}
