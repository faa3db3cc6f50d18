// Imported first by main.tsx: zod must not probe `new Function` (the strict CSP forbids eval),
// and the probe would run as soon as any other module builds a schema.
import { z } from 'zod';

z.config({ jitless: true });
