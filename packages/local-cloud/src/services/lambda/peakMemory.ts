import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory in MB, what Lambda reports as "Max Memory Used".
 * Linux's VmHWM, not `process.resourceUsage().maxRSS`: getrusage carries over the resident size of
 * the process that forked this one, so a worker forked by a busy local cloud (some 300 MB right after
 * SES receiving stored a 40 MB message) would report the cloud's memory as its own.
 */
export function peakMemoryMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round(Number(hwm[1]) / 1024);
  } catch {
    // No /proc (macOS): getrusage is the best figure there is.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
