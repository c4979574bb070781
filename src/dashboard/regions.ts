/**
 * Region names from the kode wilayah (Kemendagri). The list ships for Lampung
 * (data/wilayah-lampung.tsv); a district can load the national list in the same form
 * (`--regions FILE`: tab-separated `code`, `name`, `level`, `#` comments). Codes are dotted in
 * the list (`18.09.10.2004`) and plain on MQTT (`1809102004`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** data/wilayah-lampung.tsv, found from src/dashboard/ (tsx) and dist/dashboard/ (built) alike. */
export const SHIPPED_REGIONS_FILE = fileURLToPath(new URL('../../data/wilayah-lampung.tsv', import.meta.url));

export interface VillageNames {
  village_name: string | null;
  kecamatan: string | null;
  kabupaten: string | null;
}

export class Regions {
  private readonly names = new Map<string, string>();

  /** Parses the TSV text; unreadable lines are skipped (the list is public reference data). */
  static parse(text: string): Regions {
    const r = new Regions();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.startsWith('code\t')) continue;
      const [code, name] = line.split('\t');
      if (!code || !name) continue;
      r.names.set(code.replaceAll('.', '').trim(), name.trim());
    }
    return r;
  }

  static load(file: string = SHIPPED_REGIONS_FILE): Regions {
    return Regions.parse(readFileSync(file, 'utf8'));
  }

  get size(): number {
    return this.names.size;
  }

  /** Names of a 10-digit village code; null where the list does not know a level. */
  lookup(villageCode: string): VillageNames {
    return {
      village_name: this.names.get(villageCode) ?? null,
      kecamatan: this.names.get(villageCode.slice(0, 6)) ?? null,
      kabupaten: this.names.get(villageCode.slice(0, 4)) ?? null,
    };
  }
}
