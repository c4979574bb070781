/**
 * What the running kiosk needs from the resident data. When the data file cannot be read (and
 * its backup neither), the daemon does not crash-loop behind a blank screen: it runs on
 * `UnavailableResidents`, out of service with "Data penduduk tidak tersedia", and says loudly
 * which file to restore.
 */
import { cardKey, residentRef } from './keys.ts';
import type { Resident } from './resident.ts';
import type { ResidentStore } from './resident-store.ts';

export type ResidentLookup = Pick<
  ResidentStore,
  'cardKeyOf' | 'findByCard' | 'refOf' | 'byRef' | 'count' | 'cardCount'
>;

export class UnavailableResidents implements ResidentLookup {
  constructor(private readonly uidKey: Buffer) {}

  cardKeyOf(uid: Buffer): string {
    return cardKey(this.uidKey, uid);
  }

  findByCard(_uid: Buffer): Resident | undefined {
    return undefined;
  }

  refOf(nik: string): string {
    return residentRef(this.uidKey, nik);
  }

  byRef(_ref: string): Resident | undefined {
    return undefined;
  }

  count(): number {
    return 0;
  }

  cardCount(): number {
    return 0;
  }
}
