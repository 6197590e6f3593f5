export { IndexClient } from './client.js';
export type { IndexSources, IndexClientEvents } from './client.js';
export type { IndexedFile, ProjectPage } from './types.js';
export { PageError, SIMPLE_ACCEPT, pageFormat, parseHtmlPage, parseJsonPage } from './pages.js';
export { parseHtml, decodeEntities } from './html.js';
export { linkToFile } from './links.js';
export type { RawLink } from './links.js';
export { indexSettingsFromEnv, INDEX_URL_VAR, EXTRA_INDEX_URL_VAR } from './env.js';
export type { EnvIndexSettings } from './env.js';
