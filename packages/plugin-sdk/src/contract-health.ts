import { z } from 'zod';

/** What the core accepts of a plugin's `checkContract`. */
export const healthSchema = z.object({
  qualityRate: z.number().min(0).max(100).nullish(),
  warnings: z.array(z.string().min(1).max(500)).max(10).default([]),
  suspendedReason: z.string().min(1).max(500).nullish(),
});
