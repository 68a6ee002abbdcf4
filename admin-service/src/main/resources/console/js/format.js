// Numbers for people: 1.2M, 12.3k, 3.4%, 2m 05s.

function short(x) {
  const s = x.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** 987 → "987", 4321 → "4,321", 12345 → "12.3k", 1234567 → "1.2M". */
export function count(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${short(n / 1e9)}B`;
  if (a >= 1e6) return `${short(n / 1e6)}M`;
  if (a >= 1e4) return `${short(n / 1e3)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** 0.034 → "3.4%", 0.00042 → "0.04%", 1 → "100%". */
export function percent(r) {
  if (r === null || r === undefined || Number.isNaN(r)) return '–';
  const p = r * 100;
  if (p === 0 || p === 100) return `${p}%`;
  if (Math.abs(p) < 1) return `${p.toFixed(2)}%`;
  return `${short(p)}%`;
}

/** A credible interval as "2.9–4.1%". */
export function interval(ci) {
  if (!ci) return '–';
  return `${percent(ci.low).replace('%', '')}–${percent(ci.high)}`;
}

/** Seconds as "45s", "2m 05s", "3h 10m", "2d 4h". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor(s / 3600) % 24}h`;
}

/** An ISO 8601 duration (PT2H, P1D, PT30S) in words. */
export function isoDuration(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso ?? '');
  if (!m) return iso ?? '–';
  return duration((+(m[1] ?? 0)) * 86400 + (+(m[2] ?? 0)) * 3600 + (+(m[3] ?? 0)) * 60 + (+(m[4] ?? 0)));
}

export function dateTime(iso) {
  if (!iso) return '–';
  return new Date(iso).toLocaleString('en-GB', {dateStyle: 'medium', timeStyle: 'short'});
}
