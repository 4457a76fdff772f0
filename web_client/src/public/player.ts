// Plays a live HLS playlist in a <video>: Safari with its own player, other browsers with
// hls.js over Media Source Extensions (loaded only then), and a browser with neither with its
// own player if it says it has one. Chromium says it plays HLS itself, and fails on the stream
// (DEMUXER_ERROR_COULD_NOT_PARSE, Chromium 156): only Apple's player is trusted with it.

/** Start playing `url` in `video`; false: this browser cannot play HLS at all. The returned
 * function stops the player. */
export async function playLive(
  video: HTMLVideoElement,
  url: string,
): Promise<(() => void) | false> {
  const native = video.canPlayType("application/vnd.apple.mpegurl") !== "";
  if (native && navigator.vendor.startsWith("Apple")) return playNatively(video, url);
  const { default: Hls } = await import("hls.js/light"); // no subtitles, alternate audio or DRM
  if (!Hls.isSupported()) return native ? playNatively(video, url) : false;
  // low-latency HLS: the parts the server offers, three behind the live edge, each playlist
  // asked for ahead and held by the server until it exists; a playlist without parts (a
  // court's CDN) is played three segments behind
  const hls = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 3 });
  hls.loadSource(url);
  hls.attachMedia(video);
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    void video.play().catch(() => undefined); // autoplay refused: the controls start it
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
    else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
  });
  return () => hls.destroy();
}

function playNatively(video: HTMLVideoElement, url: string): () => void {
  video.src = url;
  void video.play().catch(() => undefined);
  return () => video.removeAttribute("src");
}
