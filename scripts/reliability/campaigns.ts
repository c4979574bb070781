/** The campaigns `npm run reliability` knows, in the order a full run takes them. */
import type { Campaign } from './campaign.ts';
import { crashCampaign } from './campaign-crash.ts';
import { diskCampaign } from './campaign-disk.ts';
import { garbageCampaign } from './campaign-garbage.ts';
import { offlineCampaign } from './campaign-offline.ts';
import { timeCampaign } from './campaign-time.ts';
import { tornCampaign } from './campaign-torn.ts';

export const CAMPAIGNS: Campaign[] = [
  garbageCampaign,
  crashCampaign,
  tornCampaign,
  diskCampaign,
  offlineCampaign,
  timeCampaign,
];
