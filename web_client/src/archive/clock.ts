// A moment of the archive video as it is written beside chapters and exhibits.

/** H:MM:SS or M:SS. */
export function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const [h_, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number): string => String(n).padStart(2, "0");
  return h_ > 0 ? `${h_}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
