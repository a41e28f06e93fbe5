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
    // above th after at least hold seconds below it; the beep's tone is
    // told from the next 20 ms (Goertzel at each of freqs), so a beep is
    // matched to the one sent even when the latency passes a beep period.
    // (A ScriptProcessor: the hub's CSP loads no worklet module from a
    // blob. Its buffer's context time is the same offset on every page,
    // which cancels.)
    async listen(label, stream, freqs, th = 0.05, hold = 0.4) {
      const a = await audioCtx();
      bench.stop(label);
      const src = a.createMediaStreamSource(stream);
      const node = a.createScriptProcessor(256, 1, 1);
      const mute = a.createGain();
      mute.gain.value = 0;
      const d = { src, node, mute, hits: [], lastLoud: -1e9, tone: null };
      const N = Math.round(a.sampleRate * 0.02);
      const tone = (x) => {
        let best = -1, bestP = -1;
        freqs.forEach((f, k) => {
          const w = (2 * Math.PI * f) / a.sampleRate, c = 2 * Math.cos(w);
          let s1 = 0, s2 = 0;
          for (const v of x) { const s0 = v + c * s1 - s2; s2 = s1; s1 = s0; }
          const p = s1 * s1 + s2 * s2 - c * s1 * s2;
          if (p > bestP) { bestP = p; best = k; }
        });
        return best;
      };
      node.onaudioprocess = (ev) => {
        const ch = ev.inputBuffer.getChannelData(0);
        for (let i = 0; i < ch.length; i++) {
          if (d.tone) {
            d.tone.x.push(ch[i]);
            if (d.tone.x.length >= N) { d.hits.push({ t: d.tone.t, k: tone(d.tone.x) }); d.tone = null; }
          }
          if (Math.abs(ch[i]) <= th) continue;
          const t = ev.playbackTime + i / a.sampleRate;
          if (t - d.lastLoud > hold && !d.tone) d.tone = { t: toUnixMs(t), x: [] };
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

    // The audio jitter buffer's cumulative delay (s) and samples out, of
    // participant pid's tile and of the direct connection.
    async jb(pid) {
      const one = async (pc) => {
        let o = null;
        if (pc) {
          (await pc.getStats()).forEach((x) => {
            if (x.type === 'inbound-rtp' && x.kind === 'audio') o = { d: x.jitterBufferDelay, n: x.jitterBufferEmittedCount };
          });
        }
        return o;
      };
      return { room: await one(window.__eccRoom.grid.tiles.get(pid)?.player.pc), direct: await one(bench.direct?.pc) };
    },

    // A light participant (a page of the wallboard that shows nothing by
    // itself): joins room id, publishes its camera and microphone with the
    // wallboard's own Publisher, like the room page, and watches every
    // other participant's stream with the wallboard's signalling, but takes
    // each frame out before the decoder (encoded insertable streams) and
    // counts it: the gateway forwards all it would to a room page; the
    // browser decodes and renders nothing.
    async light(id) {
      const { api } = await import('/js/net/index.js');
      const { Publisher } = await import('/js/media/publisher.js');
      const { Signal } = await import('/js/media/signal.js');
      await api('POST', `/rooms/${id}/join`);
      const you = (await api('GET', `/rooms/${id}`)).room.you;
      const pub = new Publisher({ room: id, constraints: { video: true, audio: true } });
      const L = { you, pub, views: new Map() };
      bench.lightRoom = L;
      await pub.start();
      const signal = Signal.shared();
      const watch = (pid, stream) => {
        const v = { stream, frames: 0, audio: 0, pc: null, view: null, state: 'asking', pcs: 0 };
        L.views.set(pid, v);
        signal.watch(stream, {
          onWatching(msg) {
            v.view = msg.view;
            const pc = new RTCPeerConnection({ encodedInsertableStreams: true });
            v.pc = pc;
            v.pcs++;
            pc.ontrack = (ev) => {
              const reader = ev.receiver.createEncodedStreams().readable.getReader();
              const video = ev.track.kind === 'video';
              // a frame may come in more than one piece, and late (a
              // retransmission): count RTP timestamps not seen lately
              const recent = new Set();
              (async () => {
                for (;;) {
                  const { value, done } = await reader.read();
                  if (done) return;
                  if (!video) v.audio++;
                  else if (!recent.has(value.timestamp)) {
                    v.frames++;
                    recent.add(value.timestamp);
                    if (recent.size > 256) recent.delete(recent.values().next().value);
                  }
                }
              })();
            };
            pc.onicecandidate = (e) => {
              if (e.candidate?.candidate) signal.ice(v.view, e.candidate.sdpMLineIndex ?? 0, e.candidate.candidate);
            };
            pc.onconnectionstatechange = () => { v.state = pc.connectionState; };
          },
          async onOffer(msg) {
            await v.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
            await v.pc.setLocalDescription(await v.pc.createAnswer());
            signal.answer(v.view, v.pc.localDescription.sdp);
          },
          onIce(msg) { v.pc?.addIceCandidate({ candidate: msg.candidate, sdpMLineIndex: msg.mline }).catch(() => {}); },
          onEnd(reason) { v.state = `ended: ${reason}`; v.pc?.close(); L.views.delete(pid); },
          onError(msg) { v.state = `error: ${msg.message}`; v.pc?.close(); L.views.delete(pid); },
        });
      };
      // the room as the hub has it, every 2 s: watch whoever is in and live
      const poll = async () => {
        const room = (await api('GET', `/rooms/${id}`)).room;
        for (const p of room.participants) {
          if (p.id !== you && p.state === 'in' && p.stream && p.live && !L.views.has(p.id)) watch(p.id, p.stream);
        }
      };
      await poll();
      L.timer = setInterval(() => poll().catch(() => {}), 2000);
      return you;
    },

    // What this participant sends and receives, counted by the sampler
    // below: frames decoded per tile summed over every peer connection the
    // tile had (a tile the room drops and adds again starts a new one).
    totals: {},
    sent: null,
    async sample() {
      const room = window.__eccRoom;
      const L = bench.lightRoom;
      const pub = room?.publisher?.pc || L?.pub?.pc;
      if (pub) {
        (await pub.getStats()).forEach((x) => {
          if (x.type === 'outbound-rtp' && x.kind === 'video') {
            const last = seen.get(pub) || 0;
            seen.set(pub, x.framesEncoded);
            bench.sent = { ...(bench.sent || { frames: 0 }), w: x.frameWidth, h: x.frameHeight,
              limit: x.qualityLimitationReason, encoder: x.encoderImplementation };
            bench.sent.frames += Math.max(0, x.framesEncoded - last);
          }
        });
      }
      const now = new Set();
      for (const [pid, v] of L?.views || []) {
        now.add(pid);
        const t = bench.totals[pid] ||= { decoded: 0, frames: 0, audioPackets: 0, pcs: 0, liveS: 0, goneS: 0 };
        if (v.state === 'connected') t.liveS++;
        t.state = v.state;
        const last = seen.get(v) || { frames: 0, audio: 0, pcs: 0 };
        t.frames += v.frames - last.frames;
        t.audioPackets += v.audio - last.audio;
        t.pcs += v.pcs - last.pcs;
        seen.set(v, { frames: v.frames, audio: v.audio, pcs: v.pcs });
      }
      for (const [pid, tile] of room?.grid.tiles || []) {
        now.add(pid);
        const t = bench.totals[pid] ||= { decoded: 0, frames: 0, audioPackets: 0, pcs: 0, liveS: 0, goneS: 0 };
        if (tile.player.state === 'live') t.liveS++;
        t.state = tile.player.state;
        const pc = tile.player.pc;
        if (!pc) continue;
        if (!seen.has(pc)) { seen.set(pc, { decoded: 0, audio: 0 }); t.pcs++; }
        const last = seen.get(pc);
        (await pc.getStats()).forEach((x) => {
          if (x.type === 'inbound-rtp' && x.kind === 'video') {
            t.decoded += Math.max(0, x.framesDecoded - last.decoded);
            last.decoded = x.framesDecoded;
            Object.assign(t, { w: x.frameWidth, h: x.frameHeight, decoder: x.decoderImplementation });
          }
          if (x.type === 'inbound-rtp' && x.kind === 'audio') {
            t.audioPackets += Math.max(0, x.packetsReceived - last.audio);
            last.audio = x.packetsReceived;
            if (x.jitterBufferEmittedCount) t.jb = (1000 * x.jitterBufferDelay) / x.jitterBufferEmittedCount;
          }
        });
      }
      for (const [pid, t] of Object.entries(bench.totals)) if (!now.has(Number(pid))) { t.goneS++; t.state = 'no tile'; }
      bench.sampledAt = performance.now();
    },
    // (sampled now, so the window's ends are exact)
    async stats() {
      while (busy) await new Promise((r) => setTimeout(r, 20));
      busy = true;
      try { await bench.sample(); } catch { /* counted next time */ } finally { busy = false; }
      const pub = window.__eccRoom?.publisher || bench.lightRoom?.pub;
      return { you: window.__eccRoom?.room?.you ?? bench.lightRoom?.you ?? null, pub: pub?.state ?? null,
        sent: bench.sent && { ...bench.sent }, recv: JSON.parse(JSON.stringify(bench.totals)) };
    },
  };
  const seen = new WeakMap();
  let busy = false;
  setInterval(() => {
    if (busy || !(window.__eccRoom || bench.lightRoom)) return;
    busy = true;
    bench.sample().catch(() => {}).finally(() => { busy = false; });
  }, 1000);
  window.__bench = bench;
}
