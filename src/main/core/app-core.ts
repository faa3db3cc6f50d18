// Builds the core once per process: the database, the services and the dispatcher that every
// transport (Electron IPC, WebSocket, CLI, tests) shares. Nothing here knows about Electron.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../../../package.json' with { type: 'json' };
import type { ResponseOf } from '../../shared/api/contract.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './api/dispatcher.ts';
import { EventHub } from './api/event-hub.ts';
import { silentLogger, type Logger } from './logger.ts';
import { openDatabase, type Database } from './store/database.ts';
import { SiteRepository } from './store/site-repository.ts';
import { SitesService } from './services/sites-service.ts';

export type TransportKind = ResponseOf<'app.info'>['transport'];
export type SecretStorageKind = ResponseOf<'app.info'>['secretStorage'];

export interface CoreOptions {
  /** Folder holding switchyard.db; ':memory:' keeps everything in memory (tests). */
  dataDir: string;
  transport: TransportKind;
  secretStorage: SecretStorageKind;
  log?: Logger;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly events: EventHub;
  readonly db: Database;
  close(): void;
}

export const appVersion: string = packageJson.version;

export function createCore(options: CoreOptions): Core {
  const log = options.log ?? silentLogger;
  const db = openDatabase(databasePath(options.dataDir));
  const events = new EventHub();
  const sites = new SitesService(new SiteRepository(db), events);

  const handlers: Handlers = {
    'app.info': async () => ({ name: 'Switchyard', version: appVersion, transport: options.transport, secretStorage: options.secretStorage }),
    'sites.list': async () => ({ sites: sites.list() }),
    'sites.create': async (input) => sites.create(input),
    'sites.update': async ({ id, patch }) => sites.update(id, patch),
    'sites.remove': async ({ id }) => ({ removed: sites.remove(id) }),
  };

  return {
    dispatcher: createDispatcher(handlers, log),
    events,
    db,
    close: () => db.close(),
  };
}

function databasePath(dataDir: string): string {
  if (dataDir === ':memory:') return ':memory:';
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, 'switchyard.db');
}
