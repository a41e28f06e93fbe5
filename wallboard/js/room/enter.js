// Entering a room: a logged-in user joins (POST /rooms/{id}/join); a guest
// with ?guest=TOKEN exchanges its one-time link for a guest session
// (POST /rooms/guest/{token}), which the hub sets as the page's HttpOnly
// session cookie for the WebSocket and REST, and the token leaves the
// address bar. A guest then waits until the host admits it (the room
// channel says when).
import { api } from '../net/index.js';

// Resolves to GET /rooms/{id}'s answer ({room}) or throws ApiError.
export async function enterRoom(id, guestToken) {
  if (guestToken) {
    const mark = `ecc-room-guest-${id}`;
    try {
      await api('POST', `/rooms/guest/${encodeURIComponent(guestToken)}`);
      sessionStorage.setItem(mark, '1');
    } catch (e) {
      // this tab's reload after its exchange: the link is used, the session
      // (the cookie) holds; anyone else gets the link's refusal
      if (!sessionStorage.getItem(mark)) throw e;
      try { return await api('GET', `/rooms/${id}`); } catch { throw e; }
    } finally {
      history.replaceState(null, '', location.pathname);
    }
    return api('GET', `/rooms/${id}`);
  }
  try {
    await api('POST', `/rooms/${id}/join`);
  } catch (e) {
    // 409: in already (a reload, a second tab); else the refusal stands
    if (e.status !== 409) throw e;
    const room = await api('GET', `/rooms/${id}`);
    if (room.room?.participants.find((p) => p.id === room.room.you)?.state !== 'in') throw e;
  }
  return api('GET', `/rooms/${id}`);
}
