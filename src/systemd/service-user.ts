/**
 * The service user (`anjungan`, created by scripts/install.sh): files the kiosk must read, and
 * only it, are handed to that user when the technician runs the CLI as root.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const SERVICE_USER = 'anjungan';

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user's uid/gid, or null when the user does not exist (a developer machine). */
export function lookupServiceUser(name: string = SERVICE_USER): ServiceUser | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  const u = Number(uid.stdout.trim());
  const g = Number(gid.stdout.trim());
  return Number.isInteger(u) && Number.isInteger(g) ? { name, uid: u, gid: g } : null;
}

/** True when this process may hand files to another user. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** chown -R of `target` (a file or directory) to uid:gid. */
export function chownTree(target: string, uid: number, gid: number): void {
  chownSync(target, uid, gid);
  if (!statSync(target).isDirectory()) return;
  for (const entry of readdirSync(target)) chownTree(path.join(target, entry), uid, gid);
}
