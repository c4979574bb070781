/** The campaigns `npm run reliability` knows, in the order a full run takes them. */
import type { Campaign } from './campaign.ts';
import { garbageCampaign } from './campaign-garbage.ts';
import { timeCampaign } from './campaign-time.ts';

export const CAMPAIGNS: Campaign[] = [garbageCampaign, timeCampaign];
