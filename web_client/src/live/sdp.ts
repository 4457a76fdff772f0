// Our offers, numbered as the server numbers its own.
//
// The server (aiortc) writes every offer from one fixed table of payload types and header
// extension ids, also for media sections negotiated before. A browser numbers its first offer
// differently, and a bundled transport cannot change what a number means: Chrome refuses the
// server's later offer ("RTP extension ID reassignment") or the server stops recognising what we
// send. So our offers carry only the pair every browser and the server share (Opus, VP8 with its
// retransmission format) and the extensions the server uses, under the server's numbers.

const PAYLOAD_TYPES: Record<string, number> = { "opus/48000/2": 96, "vp8/90000": 97 };
const RTX_OF_VP8 = 98;
const EXTENSION_IDS: Record<string, number> = {
  "urn:ietf:params:rtp-hdrext:sdes:mid": 1,
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level": 2,
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time": 3,
};

const EXTMAP = /^a=extmap:\d+(\/\w+)? (\S+)(.*)$/;
const PAYLOAD_LINE = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)(.*)$/;

export function alignWithServer(sdp: string): string {
  const sections: string[][] = [[]];
  for (const line of sdp.split("\r\n")) {
    if (line.startsWith("m=")) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  return sections.flatMap((lines, i) => (i === 0 ? lines : alignSection(lines))).join("\r\n");
}

function alignSection(lines: string[]): string[] {
  const names = new Map<number, string>();
  const apt = new Map<number, number>();
  for (const line of lines) {
    const rtpmap = /^a=rtpmap:(\d+) (\S+)/.exec(line);
    if (rtpmap) names.set(Number(rtpmap[1]), rtpmap[2].toLowerCase());
    const fmtp = /^a=fmtp:(\d+) apt=(\d+)/.exec(line);
    if (fmtp) apt.set(Number(fmtp[1]), Number(fmtp[2]));
  }
  const renumber = new Map<number, number>();
  for (const [pt, name] of names) {
    const wanted = PAYLOAD_TYPES[name];
    if (wanted !== undefined) renumber.set(pt, wanted);
  }
  for (const [pt, name] of names) {
    if (name.startsWith("rtx/") && renumber.get(apt.get(pt) ?? -1) === PAYLOAD_TYPES["vp8/90000"]) {
      renumber.set(pt, RTX_OF_VP8);
    }
  }
  if (renumber.size === 0) return lines;
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith("m=")) {
      const [kind, port, proto] = line.split(" ");
      out.push([kind, port, proto, ...renumber.values()].join(" "));
      continue;
    }
    const extmap = EXTMAP.exec(line);
    if (extmap) {
      const [, direction = "", uri, rest] = extmap;
      const id = EXTENSION_IDS[uri];
      if (id !== undefined) out.push(`a=extmap:${id}${direction} ${uri}${rest}`);
      continue;
    }
    const payload = PAYLOAD_LINE.exec(line);
    if (payload) {
      const [, attribute, pt, rest] = payload;
      const now = renumber.get(Number(pt));
      if (now === undefined) continue;
      const fixed = rest.replace(
        /apt=(\d+)/,
        (_, old: string) => `apt=${renumber.get(Number(old)) ?? old}`,
      );
      out.push(`a=${attribute}:${now}${fixed}`);
      continue;
    }
    out.push(line);
  }
  return out;
}
