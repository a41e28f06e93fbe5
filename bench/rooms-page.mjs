// What bench/rooms runs inside each participant's page (an init script,
// before the room page's own code): the camera asked of the fake device,
// a beep-onset detector for the latency part, a direct RTCPeerConnection
// for its floor, and the getStats figures of every stream the page sends
// and receives.
//
// benchPage({w, h, fps}) is handed to Playwright's addInitScript and runs
// in the page: it only uses what the page has.
export function benchPage(cfg) {
  // The room page asks for 640x480; the bench sets the size and rate of
  // every camera so that 8 encoders and 56 decoders fit beside the gateway.
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c = {}) => gum({
    ...c,
    video: c.video ? { width: { ideal: cfg.w, max: cfg.w }, height: { ideal: cfg.h, max: cfg.h },
      frameRate: { ideal: cfg.fps, max: cfg.fps } } : c.video,
  });

  let ctx = null;
  const detectors = new Map();

  const audioCtx = async () => {
    if (!ctx) {
      ctx = new AudioContext({ latencyHint: 'interactive' });
    }
    await ctx.resume();
    return ctx;
  };

  // A context time (s) on the page's clock as Unix ms: through the
  // context's output timestamp (the same audio output in every page of one
  // browser, so its latency cancels between two pages).
  const toUnixMs = (t) => {
    const o = ctx.getOutputTimestamp();
    if (o.performanceTime) return performance.timeOrigin + o.performanceTime + (t - o.contextTime) * 1000;
    return performance.timeOrigin + performance.now() + (t - ctx.currentTime) * 1000;
  };

  const bench = {
    // Starts timing the onsets of stream's sound under label: a sample
    // above th after at least hold seconds below it. (A ScriptProcessor:
    // the hub's CSP loads no worklet module from a blob. Its buffer's
    // context time is the same offset on every page, which cancels.)
    async listen(label, stream, th = 0.05, hold = 0.4) {
      const a = await audioCtx();
      bench.stop(label);
      const src = a.createMediaStreamSource(stream);
      const node = a.createScriptProcessor(256, 1, 1);
      const mute = a.createGain();
      mute.gain.value = 0;
      const d = { src, node, mute, hits: [], lastLoud: -1e9 };
      node.onaudioprocess = (ev) => {
        const ch = ev.inputBuffer.getChannelData(0);
        for (let i = 0; i < ch.length; i++) {
          if (Math.abs(ch[i]) <= th) continue;
          const t = ev.playbackTime + i / a.sampleRate;
          if (t - d.lastLoud > hold) d.hits.push(toUnixMs(t));
          d.lastLoud = t;
        }
      };
      src.connect(node);
      node.connect(mute);
      mute.connect(a.destination);
      detectors.set(label, d);
    },
    hits(label) { return detectors.get(label)?.hits.slice() || []; },
    stop(label) {
      const d = detectors.get(label);
      if (!d) return;
      d.src.disconnect();
      d.node.onaudioprocess = null;
      d.node.disconnect();
      d.mute.disconnect();
      detectors.delete(label);
    },

    // The direct floor: this page offers what it publishes in the room
    // (its camera and microphone, one MediaStream, video in H.264 like the
    // room), the other page answers and plays it like a tile.
    direct: null,
    async gathered(pc) {
      if (pc.iceGatheringState !== 'complete') {
        await new Promise((r) => {
          pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') r(); });
          setTimeout(r, 5000);
        });
      }
      return pc.localDescription.sdp;
    },
    h264(tr) {
      const all = RTCRtpReceiver.getCapabilities('video').codecs;
      const h = all.filter((c) => /h264/i.test(c.mimeType));
      if (h.length) tr.setCodecPreferences([...h, ...all.filter((c) => !/h264/i.test(c.mimeType))]);
    },
    async directOffer() {
      const media = window.__eccRoom?.publisher?.media;
      if (!media) throw new Error('nothing published to send directly');
      const pc = new RTCPeerConnection();
      bench.direct = { pc, media };
      for (const t of media.getTracks()) {
        const tr = pc.addTransceiver(t, { direction: 'sendonly', streams: [media] });
        if (t.kind === 'video') bench.h264(tr);
      }
      await pc.setLocalDescription(await pc.createOffer());
      return bench.gathered(pc);
    },
    async directAnswer(sdp) {
      const pc = new RTCPeerConnection();
      const video = document.createElement('video');
      Object.assign(video, { autoplay: true, muted: false, playsInline: true, width: 160, height: 120 });
      document.body.append(video);
      bench.direct = { pc, video, got: null };
      bench.direct.got = new Promise((r) => {
        pc.ontrack = (ev) => {
          video.srcObject = ev.streams[0];
          video.play().catch(() => {});
          if (ev.streams[0].getAudioTracks().length) r(ev.streams[0]);
        };
      });
      await pc.setRemoteDescription({ type: 'offer', sdp });
      for (const tr of pc.getTransceivers()) if (tr.receiver.track.kind === 'video') bench.h264(tr);
      await pc.setLocalDescription(await pc.createAnswer());
      return bench.gathered(pc);
    },
    async directAccept(sdp) { await bench.direct.pc.setRemoteDescription({ type: 'answer', sdp }); },
    async directStream() { return bench.direct.got; },
    directClose() {
      if (!bench.direct) return;
      bench.direct.pc.close();
      bench.direct.video?.remove();
      bench.direct = null;
    },

    // What this participant sends and receives (cumulative counters).
    async stats() {
      const room = window.__eccRoom;
      const out = { you: room?.room?.you ?? null, pub: room?.publisher?.state ?? null, sent: null, recv: {} };
      const pub = room?.publisher?.pc;
      if (pub) {
        (await pub.getStats()).forEach((x) => {
          if (x.type === 'outbound-rtp' && x.kind === 'video') {
            out.sent = { frames: x.framesEncoded, w: x.frameWidth, h: x.frameHeight, bytes: x.bytesSent,
              limit: x.qualityLimitationReason, encoder: x.encoderImplementation };
          }
          if (x.type === 'outbound-rtp' && x.kind === 'audio') out.sentAudio = { packets: x.packetsSent };
        });
      }
      for (const [pid, tile] of room?.grid.tiles || []) {
        const o = { state: tile.player.state, mode: tile.player.mode };
        if (tile.player.pc) {
          (await tile.player.pc.getStats()).forEach((x) => {
            if (x.type === 'inbound-rtp' && x.kind === 'video') {
              Object.assign(o, { decoded: x.framesDecoded, received: x.framesReceived, dropped: x.framesDropped,
                w: x.frameWidth, h: x.frameHeight, freezes: x.freezeCount, decoder: x.decoderImplementation });
            }
            if (x.type === 'inbound-rtp' && x.kind === 'audio') {
              Object.assign(o, { audioPackets: x.packetsReceived, concealed: x.concealedSamples,
                samples: x.totalSamplesReceived, jitterBufferMs: x.jitterBufferEmittedCount
                  ? (1000 * x.jitterBufferDelay) / x.jitterBufferEmittedCount : null });
            }
          });
        }
        out.recv[pid] = o;
      }
      return out;
    },
  };
  window.__bench = bench;
}
