export { readMetadata, readWheelMetadataAt, createMetadataLedger, MetadataError, MAX_METADATA_BYTES } from './ladder.js';
export { MetadataLedger, MetadataMismatchError, compareMetadata } from './cross-check.js';
export type { WheelInspector, MetadataSource, WheelMetadataReader } from './cross-check.js';
export type { DistributionMetadata, MetadataDeps, MetadataOrigin } from './ladder.js';
export { readZipEntries, readZipMember, ZipError } from './zip.js';
export type { RandomAccess, ZipEntry } from './zip.js';
export { readTarMembers } from './tar.js';
export { fileSource, probeRanges } from './sources.js';
export type { RangeProbe } from './sources.js';
