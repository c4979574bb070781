/**
 * Waits for `p`, but at most `ms`: for shutdown steps that must not hang the process when a
 * device or a library never answers. Resolves either way; `p` keeps running if it is late.
 */
export async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
