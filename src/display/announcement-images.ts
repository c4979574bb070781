/**
 * The pictures of the village's news (`village.announcements[].image`), decoded once with sharp
 * and scaled down to the panel, so that a frame only places them. A missing or unreadable file
 * logs one warning and its announcement is shown as text alone: a bad picture never takes the
 * idle screen down.
 */
import { readFile } from 'node:fs/promises';
import type { Announcement } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { loadSharp } from './renderer.ts';

/** A picture ready for the layout: PNG bytes as a data URI, and its size in pixels. */
export interface AnnouncementImage {
  data_uri: string;
  width: number;
  height: number;
}

/** Decoded pictures by their configured path. */
export type AnnouncementImages = ReadonlyMap<string, AnnouncementImage>;

/**
 * Decodes every announcement's picture, no larger than the panel (`canvas`). Pictures that
 * cannot be read are left out, each with one warning.
 */
export async function loadAnnouncementImages(
  announcements: readonly Announcement[],
  canvas: { width: number; height: number },
  logger: Logger,
): Promise<AnnouncementImages> {
  const images = new Map<string, AnnouncementImage>();
  const sharp = await loadSharp();
  const files = new Set(announcements.flatMap((a) => (a.image ? [a.image] : [])));
  for (const file of files) {
    try {
      const { data, info } = await sharp(await readFile(file))
        .resize({ width: canvas.width, height: canvas.height, fit: 'inside', withoutEnlargement: true })
        .png()
        .toBuffer({ resolveWithObject: true });
      images.set(file, {
        data_uri: `data:image/png;base64,${data.toString('base64')}`,
        width: info.width,
        height: info.height,
      });
    } catch (err) {
      logger.warn(
        { file, err: (err as Error).message },
        'announcement image unreadable: its announcement is shown as text only',
      );
    }
  }
  return images;
}
