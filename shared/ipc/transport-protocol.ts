/**
 * The wire names both ends of each transport must agree on, in one place (they used to be copied by hand between
 * electron/preload, electron/ipc, electron/web and the renderer's web bridge).
 */

/** The ipcMain/ipcRenderer channels the Electron transport uses: calls `(channel, args)` in, events `{ channel, payload }` out, file refs. */
export const ELECTRON_IPC = {
  /** The one channel calls travel on, from the preload's `invoke`. */
  invoke: 'orgdesk:invoke',
  /** The one channel contract events travel on, to the preload's `on` listeners. */
  event: 'orgdesk:event',
  /**
   * The preload hands main a dropped File's path (from `webUtils.getPathForFile`) and gets a ref back: the page holds the ref,
   * never the path. Not a contract channel, so `invoke` cannot reach it.
   */
  fileRef: 'orgdesk:file-ref',
} as const;

/** Browser mode's HTTP and WebSocket names, shared by electron/web (the server) and renderer/src/lib/web-bridge.ts (the page). */
export const WEB_PROTOCOL = {
  /** The header carrying the per-launch token (the page sends it once, to `sessionPath`; scripts and tests may send it on every call). */
  tokenHeader: 'x-orgdesk-token',
  /**
   * The header naming the tab's event connection on its calls: the id main sent as the socket's first message
   * (`{ "connection": "<id>" }`). Main minted it for that authenticated socket, so a call names only a live connection of
   * its own, never a sender the page made up; what the tab starts (query runs) belongs to that connection.
   */
  connectionHeader: 'x-orgdesk-connection',
  /** The query parameter a reconnecting socket names its previous connection by (`/api/events?resume=<id>`), to keep it. */
  resumeParam: 'resume',
  /** Where the page exchanges the launch token for the session cookie (and checks it has one). */
  sessionPath: '/api/session',
  /** Where calls are POSTed as `{ channel, args }`. */
  invokePath: '/api/invoke',
  /** The WebSocket carrying contract events. */
  eventsPath: '/api/events',
  /** The subprotocol the server answers the event socket with. */
  eventsProtocol: 'orgdesk-events',
  /** A subprotocol `orgdesk-token.<token>` authenticates an event socket opened outside the page (tests, scripts). */
  tokenProtocolPrefix: 'orgdesk-token.',
  /** The session cookie is `orgdesk-session-<port>`: one per server, so two launches on one host never share it. */
  sessionCookiePrefix: 'orgdesk-session-',
  /** Where a dropped file is streamed to main in browser mode (`POST` to start, `PUT /<id>` per chunk, `DELETE /<id>`). */
  uploadPath: '/api/upload',
  /** The header giving a chunk's byte offset in the file. */
  uploadOffsetHeader: 'x-orgdesk-upload-offset',
  /** The launch URL carries the token in the fragment as `#token=...` (never sent to any server, removed on first load). */
  launchFragmentKey: 'token',
} as const;
