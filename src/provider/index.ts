export { IndexProvider } from './index-provider.js';
export type { IndexProviderDeps } from './index-provider.js';
export { allowedFormats } from './format-control.js';
export type { BinaryPolicy } from './format-control.js';
export { groupFiles, bestFile, filesToLock, requiresPythonAdmits } from './files.js';
