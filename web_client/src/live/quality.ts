// Whether our media connection is poor: packet loss and round-trip time from the peer's statistics.

const INTERVAL_MS = 2000;
const POOR_LOSS = 0.05;
const POOR_RTT_S = 0.8;

interface Counts {
  received: number;
  lost: number;
}

/** Poll `stats` and report when the connection turns poor or recovers; returns a stop function. */
export function watchQuality(
  stats: () => Promise<RTCStatsReport>,
  onPoor: (poor: boolean) => void,
): () => void {
  let previous: Counts = { received: 0, lost: 0 };
  let poor = false;
  const timer = window.setInterval(() => {
    void stats().then((report) => {
      const now: Counts = { received: 0, lost: 0 };
      let remoteLoss = 0;
      let rtt = 0;
      report.forEach((entry: Record<string, unknown>) => {
        if (entry.type === "inbound-rtp") {
          now.received += Number(entry.packetsReceived ?? 0);
          now.lost += Math.max(0, Number(entry.packetsLost ?? 0));
        } else if (entry.type === "remote-inbound-rtp") {
          remoteLoss = Math.max(remoteLoss, Number(entry.fractionLost ?? 0));
          rtt = Math.max(rtt, Number(entry.roundTripTime ?? 0));
        }
      });
      const received = now.received - previous.received;
      const lost = now.lost - previous.lost;
      previous = now;
      const loss = received + lost > 0 ? lost / (received + lost) : 0;
      const isPoor = loss > POOR_LOSS || remoteLoss > POOR_LOSS || rtt > POOR_RTT_S;
      if (isPoor !== poor) {
        poor = isPoor;
        onPoor(poor);
      }
    });
  }, INTERVAL_MS);
  return () => window.clearInterval(timer);
}
