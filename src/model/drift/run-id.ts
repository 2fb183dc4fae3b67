/**
 * Run ids: `YYYYMMDDTHHMMSSZ-xxxxxxxx` (UTC start time, then 8 hex): sortable by
 * time as strings, and safe as Table storage keys and in URLs.
 */
export function newRunId(now: Date, random: () => number = Math.random): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const hex = Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return `${t}-${hex}`;
}

const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{8}$/;

export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

/** The start time a run id encodes, or null. */
export function runIdTime(runId: string): Date | null {
  const m = RUN_ID.exec(runId);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
