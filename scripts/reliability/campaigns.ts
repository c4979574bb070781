/** The campaigns `npm run reliability` knows, in the order a full run takes them. */
import type { Campaign } from './campaign.ts';
import { diskCampaign } from './campaign-disk.ts';
import { garbageCampaign } from './campaign-garbage.ts';
import { tornCampaign } from './campaign-torn.ts';

export const CAMPAIGNS: Campaign[] = [garbageCampaign, tornCampaign, diskCampaign];
