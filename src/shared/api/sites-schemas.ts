// Sites as they cross the contract: a place (a shop, a client) that holds routers.
import { z } from 'zod';
import { idSchema } from '../model.ts';

const siteName = z.string().trim().min(1, 'a site needs a name').max(80, 'at most 80 characters');
const siteNotes = z.string().max(2000, 'at most 2000 characters');

export const siteInputSchema = z.object({ name: siteName, notes: siteNotes.default('') }).strict();
/** Only the fields given change (no defaults here, or a rename would wipe the notes). */
export const sitePatchSchema = z.object({ name: siteName.optional(), notes: siteNotes.optional() }).strict();

export const siteSchema = z.object({
  id: idSchema,
  name: z.string(),
  notes: z.string(),
  routerCount: z.int().min(0),
  createdMs: z.number(),
  updatedMs: z.number(),
});

export type Site = Readonly<z.infer<typeof siteSchema>>;
export type SiteInput = z.input<typeof siteInputSchema>;
