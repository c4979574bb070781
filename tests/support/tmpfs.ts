/**
 * A small real file system for disk-full tests (scripts/reliability/small-disk.ts). Where
 * mounting is impossible the test skips with the reason, except under CI=true (CI runs as root),
 * where that is a failure.
 */
import { mountSmallDisk as mount, type SmallDisk } from '../../scripts/reliability/small-disk.ts';

export type { SmallDisk } from '../../scripts/reliability/small-disk.ts';

/** Mounts a tmpfs of `sizeMb`; null (reason printed) when this machine cannot, throws under CI. */
export function mountSmallDisk(sizeMb: number): SmallDisk | null {
  const disk = mount(sizeMb);
  if (typeof disk !== 'string') return disk;
  if (process.env.CI === 'true') throw new Error(`${disk} and CI=true: CI runs as root`);
  console.log(`  skipped: ${disk}`);
  return null;
}
